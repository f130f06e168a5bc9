// Matrix files and datasets: strict keys, impossible configurations and broken
// records are refused with a message naming the file, the case and the field.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "sim/input_error.hpp"
#include "tests/support/input_error_of.hpp"
#include "tests/support/temp_file.hpp"
#include "validation/validation_case.hpp"
#include "validation/validation_dataset.hpp"

namespace migsim::validation {
namespace {

using migsim::testing::write_temp;

// The InputError message of reading `matrix`, or "" when it is accepted.
std::string matrix_error(const std::string& matrix) {
  const std::string path = write_temp("matrix.json", matrix);
  return migsim::testing::input_error_of([&] { read_matrix_file(path); });
}

TEST(MatrixInput, AcceptsAValidMatrixWithDefaults) {
  const std::string path = write_temp(
      "ok.json",
      R"({"defaults": {"ram_mib": 512, "fill_mib": 100, "horizon_s": 9},
          "cases": [{"name": "a", "wss_mib": 64, "dirty_pages_per_sec": 5000, "repeats": 2},
                    {"name": "b", "split": "train", "ram_mib": 1024, "auto_converge": true}]})");
  const auto cases = read_matrix_file(path);
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].ram_mib, 512);
  EXPECT_EQ(cases[0].repeats, 2);
  EXPECT_EQ(cases[0].horizon_s, 9);
  EXPECT_EQ(cases[1].ram_mib, 1024);
  EXPECT_EQ(cases[1].split, "train");
  EXPECT_TRUE(cases[1].auto_converge);
  EXPECT_NE(cases[0].kernel_cmdline_keys().find("migsim.rate=5000"), std::string::npos);
}

TEST(MatrixInput, ShippedMatricesAreValid) {
  for (const char* m : {"ci-smoke.json", "tcg-loopback.json", "tcg-loopback-fresh.json"}) {
    const std::string path = std::string(MIGSIM_SOURCE_DIR) + "/validation/matrix/" + m;
    EXPECT_NO_THROW(read_matrix_file(path)) << path;
  }
}

struct BadMatrix {
  const char* what;
  const char* matrix;
  std::vector<const char*> expected;  // all must appear in the message
};

TEST(MatrixInput, RefusesBadMatricesNamingCaseAndField) {
  const std::vector<BadMatrix> table{
      {"unknown case key", R"({"cases": [{"name": "x", "ram_mib": 512, "colour": "red"}]})",
       {"cases[0]", "colour", "unknown key"}},
      {"unknown default key", R"({"defaults": {"speed": 1}, "cases": [{"name": "x"}]})",
       {"defaults", "speed"}},
      {"unknown top key", R"({"cases": [{"name": "x"}], "extra": 1})", {"extra"}},
      {"fill larger than RAM", R"({"cases": [{"name": "big", "ram_mib": 256, "fill_mib": 400}]})",
       {"'big'", "fill_mib", "400"}},
      {"WSS larger than fill", R"({"cases": [{"name": "w", "ram_mib": 512, "fill_mib": 10, "wss_mib": 64}]})",
       {"'w'", "fill_mib"}},
      {"WSS larger than RAM", R"({"cases": [{"name": "w", "ram_mib": 256, "fill_mib": 100, "wss_mib": 300}]})",
       {"wss_mib", "300"}},
      {"rate without WSS", R"({"cases": [{"name": "r", "dirty_pages_per_sec": 100}]})",
       {"'r'", "wss_mib"}},
      {"negative RAM", R"({"cases": [{"name": "n", "ram_mib": -5}]})", {"ram_mib", "-5"}},
      {"zero bandwidth", R"({"cases": [{"name": "z", "max_bandwidth_mibps": 0}]})",
       {"max_bandwidth_mibps"}},
      {"bad pattern", R"({"cases": [{"name": "p", "dirty_pattern": "zigzag"}]})",
       {"dirty_pattern", "zigzag"}},
      {"bad cpuload", R"({"cases": [{"name": "c", "cpuload": "50@10,20@5"}]})", {"cpuload"}},
      {"duplicate name", R"({"cases": [{"name": "d"}, {"name": "d"}]})", {"duplicate", "'d'"}},
      {"bad name", R"({"cases": [{"name": "a b"}]})", {"name", "a b"}},
      {"zero repeats", R"({"cases": [{"name": "q", "repeats": 0}]})", {"repeats"}},
      {"no cases", R"({"cases": []})", {"no cases"}},
      {"not JSON", R"({"cases": [)", {"matrix.json"}},
      {"string for number", R"({"cases": [{"name": "s", "ram_mib": "lots"}]})", {"ram_mib", "lots"}},
  };
  for (const auto& t : table) {
    const std::string err = matrix_error(t.matrix);
    ASSERT_FALSE(err.empty()) << t.what << ": accepted";
    EXPECT_NE(err.find("matrix.json"), std::string::npos) << t.what << ": " << err;
    for (const char* e : t.expected) {
      EXPECT_NE(err.find(e), std::string::npos) << t.what << ": '" << e << "' not in: " << err;
    }
  }
}

TEST(DatasetInput, ReadsTheTinyHandMadeDataset) {
  const std::string path =
      std::string(MIGSIM_SOURCE_DIR) + "/tests/validation/data/tiny-dataset.jsonl";
  const auto d = read_dataset(path);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_TRUE(d[0].converged);
  EXPECT_EQ(d[0].total_time_ms, 1420);
  EXPECT_EQ(d[0].downtime_ms, 16);
  EXPECT_EQ(d[0].dirty_syncs, 4);
  EXPECT_EQ(d[0].transferred_bytes, 171966464);
  EXPECT_FALSE(d[2].converged);  // from qemu_last_active
  EXPECT_EQ(d[2].total_time_ms, 30012);
  EXPECT_EQ(d[2].downtime_ms, 0);
  EXPECT_TRUE(d[1].training());
}

TEST(DatasetInput, RefusesBrokenRecordsNamingTheLine) {
  const std::string good =
      std::string(MIGSIM_SOURCE_DIR) + "/tests/validation/data/tiny-dataset.jsonl";
  std::ifstream in(good);
  std::string first;
  std::getline(in, first);
  auto err_of = [](const std::string& text) {
    const std::string p = write_temp("ds.jsonl", text);
    try {
      read_dataset(p);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(err_of(first + "\n{\"format\": \"other\"}\n").find("ds.jsonl:2"), std::string::npos);
  EXPECT_NE(err_of(first + "\n{half a line\n").find("ds.jsonl:2"), std::string::npos);
  std::string no_ram = first;
  const auto pos = no_ram.find("\"ram\"");
  no_ram.replace(pos, 5, "\"mar\"");
  const std::string e = err_of(no_ram + "\n");
  EXPECT_NE(e.find("ds.jsonl:1"), std::string::npos) << e;
  EXPECT_NE(e.find("ram"), std::string::npos) << e;
  EXPECT_NE(err_of("").find("no records"), std::string::npos);
}

}  // namespace
}  // namespace migsim::validation
