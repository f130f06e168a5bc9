// The outputs of a cluster run (experiments/run_outputs.hpp) on a two-host
// CloudSim-semantics cluster whose one migration is known by hand.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "experiments/run_outputs.hpp"
#include "models/migration_timer.hpp"
#include "models/power_model.hpp"
#include "policies/policy_factory.hpp"
#include "sim/cluster_engine.hpp"
#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"

using namespace migsim;

namespace {
// Host 1 has too little RAM for either VM at creation, so both 1860-MIPS VMs
// start on host 0; at 100 % demand host 0 is overloaded (THR 0.8) and MMT moves
// the 500 MiB VM to host 1 at 300.1 s: 500 MiB / (1 Gbit/s / 2) = 8 s.
sim::ClusterSpec two_hosts() {
  sim::ClusterSpec spec;
  for (int i = 0; i < 2; ++i) {
    sim::HostSpec h;
    h.pes = 2;
    h.pe_mips = 1860;
    h.ram_mib = i == 0 ? 4096 : 400;
    h.bw_mbps = 1000;
    h.power = models::builtin_power_model("hp-ml110-g4");
    spec.hosts.push_back(h);
  }
  for (double ram : {1000.0, 500.0}) {
    sim::VmSpec v;
    v.name = ram == 1000 ? "big" : "";
    v.mips = 1860;
    v.ram_mib = ram;
    v.bw_mbps = 100;
    spec.vms.push_back(v);
    spec.demand.emplace_back("flat", 300, std::vector<double>(4, 1.0));
  }
  spec.options.duration_s = 900;
  return spec;
}

std::string fresh_dir(const std::string& name) {
  const auto d = std::filesystem::temp_directory_path() / ("migsim-outputs-" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(d);
  return d.string();
}

sim::ClusterResult run_with(experiments::RunOutputs* out) {
  auto policy = policies::make_policy("thr-mmt", {});
  models::CloudSimMigrationTimer timer;
  sim::ClusterEngine engine(two_hosts(), *policy, timer);
  if (out) engine.add_observer(out);
  return engine.run();
}
}  // namespace

TEST(RunOutputs, ExactRecordsOfAKnownRun) {
  const std::string dir = fresh_dir("csv");
  experiments::RunOutputs out(dir, traces::RecordFormat::Csv);
  const sim::ClusterResult r = run_with(&out);
  ASSERT_EQ(r.migrations, 1);
  out.commit(sim::to_json(r));
  EXPECT_EQ(traces::read_file(dir + "/migrations.csv"),
            "start_s,end_s,vm,from_host,to_host,duration_s,downtime_ms,transferred_bytes,converged,cause\n"
            "300.1,308.1,vm:1,0,1,8,0,0,true,overload thr\n");
  // 300.1 s: both VMs on host 0 (100 %, 117 W), 10 % of VM 1's MIPS reserved on host 1
  // (5 %, 87.7 W); the first interval charges nothing (CloudSim: hosts idle at its start).
  // 600.1 s: one VM per host at 50 % (102 W each); energy 8 s x 204.7 W + 292 s x 204 W;
  // SLATAH 8 s at 100 % of 600 s active.
  EXPECT_EQ(traces::read_file(dir + "/cluster.csv"),
            "time_s,active_hosts,power_W,energy_kWh,cpu_utilization_frac,migrations_in_flight,migrations_started,"
            "slatah_frac,pdm_frac,slav\n"
            "300.1,2,204.7,0,0.525,1,1,0,0,0\n"
            "600.1,2,204,0.017001555555555554,0.5,0,1,0.013333333333333334,0.0013333333333333333,"
            "1.777777777777778e-05\n");
  EXPECT_EQ(traces::read_file(dir + "/hosts.csv"),
            "time_s,host,vms,cpu_utilization_frac,power_W\n"
            "300.1,0,2,1,117\n"
            "300.1,1,1,0.05,87.7\n"
            "600.1,0,1,0.5,102\n"
            "600.1,1,1,0.5,102\n");
  EXPECT_EQ(traces::read_file(dir + "/summary.json"), sim::to_json(r).dump(2) + "\n");
}

TEST(RunOutputs, JsonLinesHoldTheSameRecords) {
  const std::string dir = fresh_dir("jsonl");
  experiments::RunOutputs out(dir, traces::RecordFormat::Jsonl);
  out.commit(sim::to_json(run_with(&out)));
  EXPECT_EQ(traces::read_file(dir + "/migrations.jsonl"),
            "{\"start_s\":300.1,\"end_s\":308.1,\"vm\":\"vm:1\",\"from_host\":0,\"to_host\":1,\"duration_s\":8,"
            "\"downtime_ms\":0,\"transferred_bytes\":0,\"converged\":true,\"cause\":\"overload thr\"}\n");
  EXPECT_EQ(experiments::RunOutputs::file_names(traces::RecordFormat::Jsonl),
            (std::vector<std::string>{"migrations.jsonl", "cluster.jsonl", "hosts.jsonl", "summary.json"}));
}

TEST(RunOutputs, WatchingChangesNothing) {
  const std::string dir = fresh_dir("same");
  experiments::RunOutputs out(dir, traces::RecordFormat::Csv);
  EXPECT_EQ(sim::to_json(run_with(&out)).dump(), sim::to_json(run_with(nullptr)).dump());
}

TEST(RunOutputs, NotCommittedWritesNoFile) {
  const std::string dir = fresh_dir("uncommitted");
  {
    experiments::RunOutputs out(dir, traces::RecordFormat::Csv);
    run_with(&out);
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir));
}

TEST(RunOutputs, UnwritableFolderIsAnInputErrorNamingIt) {
  const std::string parent = fresh_dir("locked");
  std::filesystem::create_directories(parent);
  const std::string file = parent + "/a-file";
  traces::write_file_atomically(file, "x");
  try {
    experiments::RunOutputs out(file + "/sub", traces::RecordFormat::Csv);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--out-dir " + file + "/sub: cannot write there: ", 0), 0u) << e.what();
  }
}
