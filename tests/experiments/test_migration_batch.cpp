// Migration batches (experiments/migration_batch.hpp), hand-computed: schedules,
// sharing of one link, migrations alone without a network, bad input.
#include <gtest/gtest.h>

#include <string>

#include "experiments/migration_batch.hpp"
#include "models/qemu_precopy_model.hpp"
#include "tests/support/input_error_of.hpp"

using namespace migsim;
using nlohmann::json;

namespace {

// Hosts 0,1 on switch "a", hosts 2,3 on switch "b", an uplink between them:
// migrations inside a pair cross only the pair's NICs. NICs 800 Mbit/s.
json two_islands() {
  return {{"switches", {"a", "b"}},
          {"links",
           {{{"a", "host:0-1"}, {"b", "a"}, {"capacity_mbps", 800}},
            {{"a", "host:2-3"}, {"b", "b"}, {"capacity_mbps", 800}},
            {{"a", "a"}, {"b", "b"}, {"capacity_mbps", 1000}}}}};
}
// Hosts 0..3 on one switch, 800 Mbit/s NICs.
json one_switch() {
  return {{"switches", {"s"}}, {"links", {{{"a", "host:0-3"}, {"b", "s"}, {"capacity_mbps", 800}}}}};
}
// No dirtying, no CPU costs, no rate limit: the time is bytes / rate.
json plain_defaults(double ram_mib) {
  return {{"ram_mib", ram_mib}, {"nonzero_mib", ram_mib}, {"wss_mib", 0}, {"dirty_pages_per_sec", 0},
          {"max_bandwidth_mibps", "unlimited"}};
}
json plain_profile() {
  return {{"setup_ms", 0}, {"zero_page_ns", 0}, {"normal_page_ns", 0}, {"sync_ms_per_gib", 0},
          {"downtime_overhead_ms", 0}};
}
json mig(const std::string& name, int from, int to, double start = 0) {
  return {{"name", name}, {"from", "host:" + std::to_string(from)}, {"to", "host:" + std::to_string(to)},
          {"start_s", start}};
}
experiments::BatchResult run(const json& doc) {
  return experiments::run_migration_batch(experiments::read_migration_batch(doc, "b.json"));
}
// 800 Mbit/s = 95.367 MiB/s; a page costs 4104 bytes on the wire.
double seconds_at(double ram_mib, double mbps) { return ram_mib * 256 * 4104 * 8 / (mbps * 1e6); }

}  // namespace

TEST(MigrationBatch, DisjointRoutesRunAtFullRate) {
  const json doc = {{"network", one_switch()},
                    {"profile", plain_profile()}, {"defaults", plain_defaults(256)},
                    {"migrations", {mig("a", 0, 1), mig("b", 2, 3), mig("c", 0, 2, 100)}}};
  const auto r = run(doc);
  ASSERT_EQ(r.migrations.size(), 3u);
  // a and b cross different NICs: each at 800 Mbit/s, alone.
  EXPECT_NEAR(r.migrations[0].total_time_ms / 1000, seconds_at(256, 800), 1e-6);
  EXPECT_NEAR(r.migrations[1].total_time_ms / 1000, seconds_at(256, 800), 1e-6);
  EXPECT_TRUE(r.converged_all);
}

TEST(MigrationBatch, SharedNicHalvesTheRate) {
  // Both leave host 0: its NIC carries two flows at 400 Mbit/s each.
  const json doc = {{"network", one_switch()},
                    {"profile", plain_profile()}, {"defaults", plain_defaults(256)},
                    {"migrations", {mig("a", 0, 1), mig("b", 0, 2)}}};
  const auto r = run(doc);
  EXPECT_NEAR(r.migrations[0].end_s, seconds_at(256, 400), 1e-6);
  EXPECT_NEAR(r.migrations[1].end_s, seconds_at(256, 400), 1e-6);
  EXPECT_NEAR(r.makespan_s, seconds_at(256, 400), 1e-6);
}

TEST(MigrationBatch, SecondStartingMidwayIsReRated) {
  // b starts when a is half done: from then both run at 400 Mbit/s. a has half
  // its bytes left: T/2 at half rate = T more; it ends at 1.5 T. b then gets the
  // whole NIC: from T/2 to 1.5 T at half rate it sent half its bytes, and the
  // other half takes T/2 more: it ends at 2 T.
  const double T = seconds_at(256, 800);
  const json doc = {{"network", one_switch()},
                    {"profile", plain_profile()}, {"defaults", plain_defaults(256)},
                    {"migrations", {mig("a", 0, 1), mig("b", 0, 2, T / 2)}}};
  const auto r = run(doc);
  EXPECT_NEAR(r.migrations[0].end_s, 1.5 * T, 1e-6);
  EXPECT_NEAR(r.migrations[1].end_s, 2 * T, 1e-6);
  EXPECT_NEAR(r.makespan_s, 2 * T, 1e-6);
}

TEST(MigrationBatch, SequentialMakespanIsTheSumOfTheAloneTimes) {
  json doc = {{"network", one_switch()},
              {"profile", plain_profile()}, {"defaults", plain_defaults(256)},
              {"migrations", {mig("a", 0, 1), mig("b", 0, 2), mig("c", 3, 0)}},
              {"schedule", "sequential"}};
  doc["migrations"][1]["ram_mib"] = 128;
  doc["migrations"][1]["nonzero_mib"] = 128;
  const auto r = run(doc);
  const double a = seconds_at(256, 800), b = seconds_at(128, 800);
  EXPECT_NEAR(r.migrations[0].end_s, a, 1e-6);
  EXPECT_NEAR(r.migrations[1].start_s, a, 1e-6);
  EXPECT_NEAR(r.migrations[2].start_s, a + b, 1e-6);
  EXPECT_NEAR(r.makespan_s, 2 * a + b, 1e-6);
  // Shortest first: b, then a and c in the file's order; same makespan.
  doc["schedule"] = "shortest-first";
  const auto s = run(doc);
  EXPECT_NEAR(s.migrations[1].start_s, 0.0, 1e-12);
  EXPECT_NEAR(s.migrations[0].start_s, b, 1e-6);
  EXPECT_NEAR(s.makespan_s, 2 * a + b, 1e-6);
}

TEST(MigrationBatch, OnePerLinkOnTwoLinksMakesTwoParallelChains) {
  json doc = {{"network", two_islands()},
              {"profile", plain_profile()}, {"defaults", plain_defaults(256)},
              {"migrations", {mig("a1", 0, 1), mig("b1", 2, 3), mig("a2", 1, 0), mig("b2", 3, 2)}},
              {"schedule", {{"max_per_link", 1}}}};
  doc["migrations"][3]["ram_mib"] = 512;
  doc["migrations"][3]["nonzero_mib"] = 512;
  const auto r = run(doc);
  const double t = seconds_at(256, 800);
  EXPECT_NEAR(r.migrations[0].start_s, 0.0, 1e-12);
  EXPECT_NEAR(r.migrations[1].start_s, 0.0, 1e-12);
  EXPECT_NEAR(r.migrations[2].start_s, t, 1e-6);
  EXPECT_NEAR(r.migrations[3].start_s, t, 1e-6);
  EXPECT_NEAR(r.makespan_s, t + seconds_at(512, 800), 1e-6);  // the longer chain
  // One per host: a1 and a2 share hosts 0 and 1; b1 and b2 hosts 2 and 3: the same chains.
  doc["schedule"] = {{"max_per_host", 1}};
  EXPECT_NEAR(run(doc).makespan_s, t + seconds_at(512, 800), 1e-6);
  // As given, a1 and a2 share both NICs of their island.
  doc["schedule"] = "as-given";
  EXPECT_NEAR(run(doc).migrations[0].end_s, seconds_at(256, 400), 1e-6);
}

TEST(MigrationBatch, WithoutNetworkEachRunsAloneAtItsLink) {
  json doc = {{"defaults", {{"ram_mib", 1024}, {"nonzero_mib", 400}, {"wss_mib", 128},
                            {"dirty_pages_per_sec", 5000}, {"link_mibps", 300}}},
              {"migrations", {mig("a", 0, 1), mig("b", 0, 1, 3)}}};
  const auto r = run(doc);
  models::MigrationScenario sc;
  sc.memory = {1024, 400};
  sc.workload.wss_mib = 128;
  sc.workload.pages_per_sec = 5000;
  sc.host.link_mibps = 300;
  const models::Prediction p = models::QemuPrecopyModel().predict(sc);
  EXPECT_NEAR(r.migrations[0].total_time_ms, p.total_time_ms, 1e-6);
  EXPECT_NEAR(r.migrations[1].total_time_ms, p.total_time_ms, 1e-6);
  EXPECT_NEAR(r.migrations[1].end_s, 3 + p.total_time_ms / 1000, 1e-9);
  EXPECT_EQ(r.migrations[0].dirty_syncs, p.dirty_syncs);
  EXPECT_NEAR(r.migrations[0].downtime_ms, p.downtime_ms, 1e-9);
}

TEST(MigrationBatch, NotConvergedEndsAtItsHorizon) {
  json doc = {{"defaults", {{"ram_mib", 1024}, {"nonzero_mib", 1024}, {"wss_mib", 512},
                            {"dirty_pages_per_sec", 100000}, {"max_bandwidth_mibps", 50},
                            {"horizon_s", 20}}},
              {"migrations", {mig("hot", 0, 1, 5)}}};
  const auto r = run(doc);
  ASSERT_FALSE(r.converged_all);
  EXPECT_FALSE(r.migrations[0].converged);
  EXPECT_EQ(r.migrations[0].end_s, 25.0);
  EXPECT_EQ(r.migrations[0].total_time_ms, 20000.0);
  EXPECT_EQ(r.makespan_s, 20.0);
}

TEST(MigrationBatch, BadInputNamesFileFieldAndValue) {
  const json good = {{"network", one_switch()}, {"profile", plain_profile()}, {"defaults", plain_defaults(64)}, {"migrations", {mig("a", 0, 1)}}};
  auto error = [&](auto edit) {
    json d = good;
    edit(d);
    return migsim::testing::input_error_of([&] { run(d); });
  };
  EXPECT_EQ(error([](json& d) { d["migrations"][0]["to"] = "host:9"; }),
            "b.json: migrations[0].to: unknown host \"host:9\" (the network has host:0 to host:3)");
  EXPECT_EQ(error([](json& d) { d["migrations"][0]["to"] = "host:0"; }),
            "b.json: migrations[0].to: \"host:0\" is also its \"from\"");
  EXPECT_EQ(error([](json& d) { d["migrations"][0]["from"] = "rack-a"; }),
            "b.json: migrations[0].from: expected \"host:N\", got \"rack-a\"");
  EXPECT_NE(error([](json& d) { d["migrations"][0]["start_s"] = -1; }).find("b.json: migrations[0].start_s"),
            std::string::npos);
  EXPECT_NE(error([](json& d) { d["schedule"] = "fastest"; }).find("b.json: schedule: unknown schedule \"fastest\""),
            std::string::npos);
  EXPECT_NE(error([](json& d) { d["schedule"] = {{"max_per_link", 0}}; }).find("schedule.max_per_link"),
            std::string::npos);
  EXPECT_EQ(error([](json& d) { d["migrations"] = json::array(); }), "b.json: migrations: the batch has no migration");
  EXPECT_NE(error([](json& d) { d["migrations"].push_back(mig("a", 1, 2)); }).find("\"a\" is also the name of"),
            std::string::npos);
  EXPECT_NE(error([](json& d) { d["network"]["links"][0].erase("capacity_mbps"); })
                .find("network.links[0].capacity_mbps: required"),
            std::string::npos);
  EXPECT_NE(error([](json& d) { d["migrations"][0]["ram_mb"] = 1; }).find("migrations[0].ram_mb: unknown key"),
            std::string::npos);
  EXPECT_NE(error([](json& d) {
              d.erase("network");
              d["schedule"] = {{"max_per_link", 1}};
            }).find("max_per_link needs a network"),
            std::string::npos);
}

TEST(MigrationBatch, ScheduleFlag) {
  using K = experiments::BatchSchedule::Kind;
  EXPECT_EQ(experiments::parse_batch_schedule_flag("max_per_link:3", "--schedule").kind, K::MaxPerLink);
  EXPECT_EQ(experiments::parse_batch_schedule_flag("max_per_host:2", "--schedule").limit, 2);
  EXPECT_EQ(experiments::parse_batch_schedule_flag("{\"max_per_host\": 4}", "--schedule").limit, 4);
  EXPECT_EQ(experiments::parse_batch_schedule_flag("shortest-first", "--schedule").kind, K::ShortestFirst);
  EXPECT_NE(migsim::testing::input_error_of([] { experiments::parse_batch_schedule_flag("max_per_link:x", "--schedule"); })
                .find("--schedule"),
            std::string::npos);
}
