// The web-run record (validation/web_record.hpp) built from measurements, the host CPU per
// window, and the stale-namespace name parsing shared by the harness's links. No QEMU.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/input_error.hpp"
#include "validation/host_cpu_windows.hpp"
#include "validation/stale_netns.hpp"
#include "validation/web_record.hpp"
#include "validation/web_record_writer.hpp"

namespace migsim::validation {
namespace {

using models::RequestOutcome;
using models::RequestRecord;

WebCase web_case(bool migrate) {
  WebCase c;
  c.name = "r1";
  c.split = "train";
  c.arrival_rps = 10;
  c.duration_s = 2;
  c.slo_ms = 50;
  if (!migrate) c.migration_at_s.reset();
  else c.migration_at_s = 0.5;
  c.guest.name = "r1";
  return c;
}

// 10 req/s for 2 s, 5 ms each, but the ones sent in [0.5, 0.8) wait until 0.9 (a pause).
std::vector<RequestRecord> stream() {
  std::vector<RequestRecord> rs;
  for (int k = 0; k < 20; ++k) {
    const double s = k * 0.1;
    double d = s + 0.005;
    if (s >= 0.5 - 1e-9 && s < 0.8) d = 0.9;
    rs.push_back({s, d, RequestOutcome::ok});
  }
  return rs;
}

TEST(WebRecord, FollowsTheContract) {
  WebRunMeasurements m;
  m.requests = stream();
  m.migration_start_s = 0.45;
  m.migration_end_s = 0.9;
  m.migration_record = {{"format", "migsim-validation-record/1"}};
  m.cpu = {{0.0, 10.0, 100.0}, {1.0, 11.0, 102.0}, {2.5, 12.0, 105.0}};
  m.env = {{"host_cpus", 2}};
  const auto j = build_web_record(web_case(true), m);
  EXPECT_EQ(j["format"], kWebRecordFormat);
  EXPECT_EQ(j["run"], "r1");
  EXPECT_EQ(j["split"], "train");
  EXPECT_EQ(j["scenario"], "migrate");
  EXPECT_EQ(j["app"]["arrival_rps"], 10.0);
  EXPECT_NEAR(j["app"]["service_ms"].get<double>(), 5.0, 1e-6);  // before the migration only
  EXPECT_EQ(j["app"]["slo_ms"], 50.0);
  EXPECT_TRUE(j["app"]["work"].contains("cpu_ms"));
  EXPECT_EQ(j["load"]["requests"], 20);
  EXPECT_EQ(j["load"]["migration_at_s"], 0.5);
  EXPECT_EQ(j["migration"]["start_s"], 0.45);
  EXPECT_EQ(j["migration"]["record"]["format"], "migsim-validation-record/1");
  const auto& w = j["windows"];
  ASSERT_EQ(w.size(), 20u);
  for (const char* k : {"t_s", "sent", "completed", "errors", "timeouts", "p50_ms", "p99_ms", "max_ms",
                        "throughput_rps", "host_cpu_pct"}) {
    EXPECT_TRUE(w[0].contains(k)) << k;
  }
  EXPECT_NEAR(w[5]["p99_ms"].get<double>(), 400.0, 1e-6);  // sent at 0.5, answered at 0.9
  EXPECT_EQ(w[8]["completed"], 1);                          // 0.8's own
  EXPECT_EQ(w[9]["completed"], 4);                          // 0.5, 0.6, 0.7 at 0.9, and 0.9's own
  // CPU: windows inside [0, 1) use samples 0 and 1: (11-10)/(102-100) = 50 %.
  EXPECT_NEAR(w[3]["host_cpu_pct"].get<double>(), 50.0, 1e-9);
  EXPECT_NEAR(w[12]["host_cpu_pct"].get<double>(), 100.0 * 1 / 3, 1e-9);
  const auto& s = j["summary"];
  EXPECT_EQ(s["requests"], 20);
  // No ok response from 0.405 to 0.805 while the request sent at 0.5 waited.
  EXPECT_NEAR(s["max_stall_ms"].get<double>(), 305.0, 1e-6);
  EXPECT_NEAR(s["p99_during_ms"].get<double>(), 400.0, 1e-6);
  EXPECT_EQ(s["p99_during_ms"], s["p99_during_migration_ms"]);
  EXPECT_EQ(s["requests_over_slo"], 3);
  EXPECT_EQ(j["env"]["host_cpus"], 2);
}

TEST(WebRecord, WithoutMigration) {
  WebRunMeasurements m;
  m.requests = stream();
  const auto j = build_web_record(web_case(false), m);
  EXPECT_EQ(j["scenario"], "none");
  EXPECT_TRUE(j["migration"].is_null());
  EXPECT_TRUE(j["load"]["migration_at_s"].is_null());
  EXPECT_TRUE(j["summary"]["p99_during_ms"].is_null());
  EXPECT_TRUE(j["windows"][0]["host_cpu_pct"].is_null());  // no samples
  // The median over all requests: 17 of 20 took 5 ms.
  EXPECT_NEAR(j["app"]["service_ms"].get<double>(), 5.0, 1e-6);
}

TEST(WebRecord, RefusesAMigrationItCannotDescribe) {
  WebRunMeasurements m;
  m.requests = stream();
  EXPECT_THROW(build_web_record(web_case(true), m), InputError);
  m.migration_start_s = 0.4;
  m.migration_end_s = 0.9;
  m.migration_record = nlohmann::json::object();
  EXPECT_THROW(build_web_record(web_case(false), m), InputError);
}

TEST(WebRecord, WindowsCoverTheLastCompletion) {
  WebRunMeasurements m;
  m.requests = {{0.0, 0.01, RequestOutcome::ok}, {1.9, 3.25, RequestOutcome::timeout}};
  const auto j = build_web_record(web_case(false), m);
  EXPECT_EQ(j["windows"].size(), 33u);  // up to 3.3 s
}

TEST(WebRecord, RequestLogLines) {
  LoadLog log;
  LoadRequest q;
  q.record = {0.1, 0.2, RequestOutcome::error};
  q.failure = RequestFailure::refused;
  log.requests.push_back(q);
  const std::string s = request_log_jsonl(log);
  const auto j = nlohmann::json::parse(s);
  EXPECT_EQ(j["outcome"], "error");
  EXPECT_EQ(j["failure"], "refused");
  EXPECT_EQ(s.back(), '\n');
}

TEST(HostCpuWindows, BracketsEachWindow) {
  const std::vector<CpuSample> s{{0.0, 0, 0}, {0.05, 1, 2}, {0.1, 2, 4}, {0.17, 4, 6}, {0.22, 4, 8}};
  const auto w = host_cpu_windows(s, 0.1, 4);
  ASSERT_EQ(w.size(), 4u);
  EXPECT_NEAR(*w[0], 50.0, 1e-9);        // 0 -> 0.1
  EXPECT_NEAR(*w[1], 100.0 * 2 / 4, 1e-9);  // 0.1 -> 0.22 (first at or after 0.2)
  EXPECT_FALSE(w[2].has_value());        // no sample at or after 0.3
  EXPECT_FALSE(w[3].has_value());
  EXPECT_TRUE(host_cpu_windows({}, 0.1, 3)[0] == std::nullopt);
}

TEST(HostCpuWindows, ReadsProcStat) {
  const auto s = read_host_cpu(1.5);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->t_s, 1.5);
  EXPECT_GT(s->total_s, 0);
  EXPECT_LE(s->busy_s, s->total_s);
}

TEST(StaleNetns, ParsesTheCreatorPid) {
  const std::vector<std::string> p{"msim-s", "msim-d"};
  EXPECT_EQ(netns_creator_pid("msim-s1234-0", p), 1234);
  EXPECT_EQ(netns_creator_pid("msim-d77-probe", p), 77);
  EXPECT_EQ(netns_creator_pid("msim-w1234-0", p), -1);
  EXPECT_EQ(netns_creator_pid("msim-w1234-0", {"msim-w"}), 1234);
  EXPECT_EQ(netns_creator_pid("msim-sabc-0", p), -1);
  EXPECT_EQ(netns_creator_pid("msim-s1234", p), -1);
  EXPECT_EQ(netns_creator_pid("msim-s-1", p), -1);
  EXPECT_EQ(netns_creator_pid("other", p), -1);
}

}  // namespace
}  // namespace migsim::validation
