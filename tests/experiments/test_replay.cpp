// `migsim replay` as a library (experiments/replay.hpp) on traces built in memory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "experiments/replay.hpp"
#include "experiments/run_outputs.hpp"

using namespace migsim;

namespace {

struct TraceVm {
  std::string name;
  double ram_mib, util, dirty_mib_per_s;
};

// Two hosts (ha: 1 CPU, hb: 4 CPUs); every VM runs on ha for `seconds` samples,
// one a second, with a finished page-sampling measurement in every sample.
traces::LibvirtTrace trace_on_ha(const std::vector<TraceVm>& vms, int seconds) {
  traces::LibvirtTrace tr;
  tr.header.interval_s = 1.0;
  tr.header.dirtyrate_every_s = 1.0;
  tr.header.hosts = {{"ha", "uri-a", 1, 16e6}, {"hb", "uri-b", 4, 16e6}};
  for (int t = 0; t <= seconds; ++t) {
    for (const auto& v : vms) {
      traces::DomainSample s;
      s.t = t;
      s.host = "ha";
      s.domain = v.name;
      s.stats.numbers = {{"cpu.time", v.util * t * 1e9},
                         {"vcpu.current", 1},
                         {"balloon.maximum", v.ram_mib * 1024},
                         {"balloon.current", v.ram_mib * 1024},
                         {"balloon.rss", (v.ram_mib + 128) * 1024},
                         {"state.state", 1},
                         {"dirtyrate.calc_status", 2},
                         {"dirtyrate.calc_start_time", t},
                         {"dirtyrate.megabytes_per_second", v.dirty_mib_per_s}};
      tr.samples.push_back(s);
    }
  }
  return tr;
}

std::string rules_file(const std::string& name, double max_downtime_ms) {
  const auto path = std::filesystem::path(testing::TempDir()) / name;
  const nlohmann::json j = {{"type", "rules"},
                            {"rules", {{{"when", "cpu > 0.8"}}}},
                            {"selection", "mmt"},
                            {"admission", {{"max_downtime_ms", max_downtime_ms}}}};
  std::ofstream(path) << j.dump();
  return path.string();
}

}  // namespace

// ha (1 CPU) runs three half-busy VMs: the rule moves the two smallest (MMT) to
// hb at the first decision. Alone at the full link the first converges; when the
// second starts with it they share ha's NIC and the first, dirtying faster than
// half the link, no longer converges. The engine's start rates (use_start_rates)
// show the admission control that, so it refuses the second at that decision
// (admitted later, with the first in flight). A policy wrapper that dropped use_start_rates fell back to the NIC
// share of the newcomer alone and started both at once.
TEST(Replay, AdmissionControlPredictsWithTheEnginesStartRates) {
  const std::vector<TraceVm> vms = {{"d1", 1024, 0.5, 700}, {"d2", 2048, 0.5, 0}, {"d3", 4096, 0.5, 0}};
  experiments::ReplaySettings s;
  s.policy = rules_file("replay-admission-rules.json", 1000);
  s.profile.link_mibps = 1000;
  const auto r = experiments::replay_trace(trace_on_ha(vms, 20), "mem", s);
  ASSERT_GE(r.policy_migrations.size(), 2u);
  EXPECT_EQ(r.policy_migrations[0].domain, "d1");
  EXPECT_TRUE(r.policy_migrations[0].predicted.converged);
  EXPECT_EQ(r.policy_migrations[1].domain, "d2");
  // Not at the same decision: d2 waits for a later one.
  EXPECT_GT(r.policy_migrations[1].t_s, r.policy_migrations[0].t_s);
}

// Every VM starts where the trace first saw it (ClusterSpec::initial_host), not
// where the policy would place it, and what it would do is reported with host
// and domain names.
TEST(Replay, VmsStartWhereTheTraceSawThemAndMigrationsAreNamed) {
  const std::vector<TraceVm> vms = {{"d1", 512, 0.5, 0}, {"d2", 1024, 0.5, 0}, {"d3", 2048, 0.5, 0}};
  experiments::ReplaySettings s;
  s.policy = rules_file("replay-named-rules.json", 1000);
  const auto r = experiments::replay_trace(trace_on_ha(vms, 20), "mem", s);
  ASSERT_EQ(r.series.vms.size(), 3u);
  for (const auto& v : r.series.vms) EXPECT_EQ(v.first_host, 0);
  ASSERT_FALSE(r.policy_migrations.empty());
  EXPECT_EQ(r.policy_migrations[0].from, "ha");
  EXPECT_EQ(r.policy_migrations[0].to, "hb");
  EXPECT_EQ(r.policy, "rules(cpu > 0.8)");
  const auto j = experiments::to_json(r);
  EXPECT_EQ(j.at("policy_migrations").size(), r.policy_migrations.size());
  EXPECT_EQ(j.at("recorded_migrations").size(), 0u);
}

// `migsim replay --out-dir`: the run outputs watch the replay's engine; the policy's
// migrations are there by domain name and rule, one cluster record per trace sample.
TEST(Replay, OutputsOfTheReplayedRun) {
  const std::vector<TraceVm> vms = {{"d1", 512, 0.5, 0}, {"d2", 1024, 0.5, 0}, {"d3", 2048, 0.5, 0}};
  experiments::ReplaySettings s;
  s.policy = rules_file("replay-outputs-rules.json", 1000);
  const std::string dir = (std::filesystem::path(testing::TempDir()) / "replay-outputs").string();
  std::filesystem::remove_all(dir);
  experiments::RunOutputs out(dir, traces::RecordFormat::Csv);
  const auto r = experiments::replay_trace(trace_on_ha(vms, 20), "mem", s, {&out});
  out.commit(experiments::to_json(r));
  std::ifstream mig(dir + "/migrations.csv");
  std::string header, first;
  std::getline(mig, header);
  std::getline(mig, first);
  ASSERT_FALSE(r.policy_migrations.empty());
  EXPECT_EQ(first.rfind(std::to_string(static_cast<int>(r.policy_migrations[0].t_s)), 0), 0u) << first;
  EXPECT_NE(first.find("," + r.policy_migrations[0].domain + ",0,1,"), std::string::npos) << first;
  EXPECT_NE(first.find(",rule cpu > 0.8"), std::string::npos) << first;
  std::ifstream clu(dir + "/cluster.csv");
  int lines = 0;
  for (std::string l; std::getline(clu, l);) ++lines;
  EXPECT_EQ(lines, 1 + 20);  // the header, then the decisions at 1, 2, ..., 20 s
}
