// Web matrices (`migsim validate record-web`, issue 12): strict keys, bounds, cross-field checks
// with messages naming the file, the run and the field; the shipped matrices are valid.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "sim/input_error.hpp"
#include "tests/support/input_error_of.hpp"
#include "tests/support/temp_file.hpp"
#include "validation/web_case.hpp"

namespace migsim::validation {
namespace {

using migsim::testing::write_temp;

std::string matrix_error(const std::string& matrix) {
  const std::string path = write_temp("web-matrix.json", matrix);
  return migsim::testing::input_error_of([&] { read_web_matrix_file(path); });
}

TEST(WebMatrix, DefaultsMergeKeyByKeyAndTheScenarioFollows) {
  const std::string path = write_temp("web-ok.json", R"({
    "defaults": {"arrival_rps": 40, "duration_s": 10, "work": {"cpu_ms": 3},
                 "guest": {"ram_mib": 512, "max_bandwidth_mibps": 200}},
    "runs": [{"name": "none", "migration_at_s": null, "split": "train"},
             {"name": "mig", "migration_at_s": 4, "work": {"write_kib": 128},
              "guest": {"downtime_limit_ms": 50}},
             {"name": "ac", "guest": {"auto_converge": true, "fill_mib": 200, "wss_mib": 100,
                                       "dirty_pages_per_sec": 20000}}]})");
  const auto runs = read_web_matrix_file(path);
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].scenario(), "none");
  EXPECT_EQ(runs[0].guest.split, "train");
  EXPECT_EQ(runs[0].requests(), 400u);
  EXPECT_EQ(runs[1].scenario(), "migrate");
  EXPECT_EQ(*runs[1].migration_at_s, 4);
  EXPECT_EQ(runs[1].work.cpu_ms, 3);        // from the defaults
  EXPECT_EQ(runs[1].work.write_kib, 128);   // the run's own
  EXPECT_EQ(runs[1].guest.max_bandwidth_mibps, 200);
  EXPECT_EQ(runs[1].guest.downtime_limit_ms, 50);
  EXPECT_EQ(runs[1].guest.split, "test");
  EXPECT_EQ(runs[1].guest.name, "mig");
  EXPECT_EQ(runs[2].scenario(), "auto-converge");
  EXPECT_EQ(*runs[2].migration_at_s, 5);    // WebCase's default
  EXPECT_EQ(runs[1].request_path(), "/work?cpu_ms=3&write_kib=128");
  EXPECT_NE(runs[1].kernel_cmdline().find("migweb.write_kib=128"), std::string::npos);
  const auto j = runs[0].to_json();
  EXPECT_TRUE(j["migration_at_s"].is_null());
  EXPECT_EQ(j["work"]["path"], "/work?cpu_ms=3&write_kib=64");
}

TEST(WebMatrix, ShippedMatricesAreValid) {
  for (const char* m : {"web-runs.json", "ci-web.json"}) {
    const std::string path = std::string(MIGSIM_SOURCE_DIR) + "/validation/matrix/" + m;
    EXPECT_NO_THROW(read_web_matrix_file(path)) << path;
  }
  const auto runs = read_web_matrix_file(std::string(MIGSIM_SOURCE_DIR) + "/validation/matrix/web-runs.json");
  EXPECT_GE(runs.size(), 12u);
  int none = 0, migrate = 0, ac = 0, train = 0;
  for (const auto& r : runs) {
    none += r.scenario() == "none";
    migrate += r.scenario() == "migrate";
    ac += r.scenario() == "auto-converge";
    train += r.split == "train";
  }
  EXPECT_GE(none, 2);
  EXPECT_GE(migrate, 6);
  EXPECT_GE(ac, 1);
  EXPECT_GE(train, 3);
  EXPECT_LT(train, static_cast<int>(runs.size()) / 2);
}

struct BadWebMatrix {
  const char* what;
  const char* matrix;
  std::vector<const char*> expected;  // all must appear in the message
};

class WebMatrixErrors : public ::testing::TestWithParam<BadWebMatrix> {};

TEST_P(WebMatrixErrors, NameFileRunFieldAndValue) {
  const std::string msg = matrix_error(GetParam().matrix);
  ASSERT_FALSE(msg.empty()) << GetParam().what << ": accepted";
  EXPECT_NE(msg.find("web-matrix.json"), std::string::npos) << msg;
  for (const char* e : GetParam().expected) EXPECT_NE(msg.find(e), std::string::npos) << msg << " lacks " << e;
}

INSTANTIATE_TEST_SUITE_P(
    All, WebMatrixErrors,
    ::testing::Values(
        BadWebMatrix{"no runs", R"({"runs": []})", {"runs", "no runs"}},
        BadWebMatrix{"unknown key", R"({"runs": [{"name": "a", "arival_rps": 5}]})", {"arival_rps"}},
        BadWebMatrix{"unknown guest key", R"({"runs": [{"name": "a", "guest": {"ram": 5}}]})", {"guest", "ram"}},
        BadWebMatrix{"unknown work key", R"({"runs": [{"name": "a", "work": {"cpu": 5}}]})", {"work", "cpu"}},
        BadWebMatrix{"rate zero", R"({"runs": [{"name": "a", "arrival_rps": 0}]})", {"arrival_rps", "0"}},
        BadWebMatrix{"rate too high", R"({"runs": [{"name": "a", "arrival_rps": 5000}]})", {"arrival_rps", "5000"}},
        BadWebMatrix{"duration too short", R"({"runs": [{"name": "a", "duration_s": 0.5}]})", {"duration_s", "0.5"}},
        BadWebMatrix{"too many requests", R"({"runs": [{"name": "a", "arrival_rps": 1000, "duration_s": 600}]})",
                     {"runs[0] 'a'", "arrival_rps", "600000"}},
        BadWebMatrix{"migration after the load", R"({"runs": [{"name": "a", "duration_s": 10, "migration_at_s": 10}]})",
                     {"runs[0] 'a'.migration_at_s", "10"}},
        BadWebMatrix{"migration at a string", R"({"runs": [{"name": "a", "migration_at_s": "5"}]})",
                     {"migration_at_s"}},
        BadWebMatrix{"negative cpu", R"({"runs": [{"name": "a", "work": {"cpu_ms": -1}}]})", {"cpu_ms", "-1"}},
        BadWebMatrix{"timeout below the slo", R"({"runs": [{"name": "a", "slo_ms": 500, "timeout_ms": 200}]})",
                     {"timeout_ms", "200", "500"}},
        BadWebMatrix{"buffer does not fit", R"({"runs": [{"name": "a", "work": {"buf_mib": 300}, "guest": {"ram_mib": 256}}]})",
                     {"work.buf_mib", "300", "256"}},
        BadWebMatrix{"auto-converge without a migration",
                     R"({"runs": [{"name": "a", "migration_at_s": null, "guest": {"auto_converge": true}}]})",
                     {"guest.auto_converge"}},
        BadWebMatrix{"bad split", R"({"runs": [{"name": "a", "split": "test"}]})", {"split", "test"}},
        BadWebMatrix{"guest bound", R"({"runs": [{"name": "a", "guest": {"max_bandwidth_mibps": -3}}]})",
                     {"max_bandwidth_mibps", "-3"}},
        BadWebMatrix{"guest cross check", R"({"runs": [{"name": "a", "guest": {"fill_mib": 10, "wss_mib": 20}}]})",
                     {"guest.fill_mib"}},
        BadWebMatrix{"repeats", R"({"runs": [{"name": "a", "guest": {"repeats": 3}}]})", {"guest.repeats", "3"}},
        BadWebMatrix{"duplicate", R"({"runs": [{"name": "a"}, {"name": "a"}]})", {"runs[1]", "duplicate", "'a'"}},
        BadWebMatrix{"name in defaults", R"({"defaults": {"name": "x"}, "runs": [{"name": "a"}]})", {"defaults", "name"}},
        BadWebMatrix{"bad name", R"({"runs": [{"name": "a b"}]})", {"name", "'a b'"}}));

}  // namespace
}  // namespace migsim::validation
