// The live controller's step without libvirt: a fake cluster (fake_live_cluster.hpp)
// whose hosts fail, whose domains come and go and whose migrations the test ends.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "fake_live_cluster.hpp"
#include "live/controller.hpp"
#include "live/controller_core.hpp"
#include "models/power_model.hpp"
#include "policies/rule_policy.hpp"

using namespace migsim;
using live::testing::FakeLiveCluster;

namespace {

// "v3". (Built by appending: GCC 12 warns falsely (-Wrestrict) on "v" + std::to_string(i).)
std::string vm_name(int i) {
  std::string n("v");
  n += std::to_string(i);
  return n;
}

struct Harness {
  explicit Harness(FakeLiveCluster& c, const std::string& admission = R"({"max_concurrent_per_host": 1})",
                   double max_migrations = 0, const std::function<void(live::CoreSettings&)>& settings = {}) {
    const auto j = nlohmann::json::parse(R"({"type": "rules", "rules": [{"when": "cpu > 0.5", "for_samples": 1}],
        "selection": "mmt", "admission": )" + admission + "}");
    policy = policies::make_rule_policy(j, "rules", c.host_count(), 16, 42, nullptr);
    live::CoreSettings s;
    s.vm_slots = 16;
    s.dirtyrate_every_s = 0;
    s.max_migrations = max_migrations;
    if (settings) settings(s);
    core = std::make_unique<live::ControllerCore>(
        c, *policy, models::builtin_power_model("hp-ml110-g5"), s,
        [this](const std::string& line, const nlohmann::json& rec) {
          lines.push_back(line);
          if (rec.is_object()) records.push_back(rec);
        });
    cluster = &c;
  }
  ~Harness() { cluster->release_all(); }
  // One interval of 1 s: the VMs use CPU, then the controller steps.
  void step() {
    cluster->advance(1.0);
    core->step(t);
    t += 1.0;
  }
  static auto holding(const std::string& what) {
    return [&what](const std::string& l) { return l.find(what) != std::string::npos; };
  }
  int count(const std::string& what) const {
    return static_cast<int>(std::count_if(lines.begin(), lines.end(), holding(what)));
  }
  // The first line holding `what` (lines.end() when none): for checks of the order.
  std::vector<std::string>::const_iterator first_line(const std::string& what) const {
    return std::find_if(lines.begin(), lines.end(), holding(what));
  }
  // Until the controller has no migration job running (the fake settled them).
  void wait_jobs_done() const {
    while (core->in_flight() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::string all() const {
    std::string s;
    for (const auto& l : lines) s += l + "\n";
    return s;
  }
  FakeLiveCluster* cluster = nullptr;
  std::unique_ptr<sim::ConsolidationPolicy> policy;
  std::unique_ptr<live::ControllerCore> core;
  std::vector<std::string> lines;
  std::vector<nlohmann::json> records;
  double t = 0;
};

}  // namespace

TEST(ControllerCore, AFailedMigrationIsReportedAndItsPausedSourceResumed) {
  FakeLiveCluster c(2, 1);
  c.add(0, "hot", 0.9);
  Harness h(c);
  h.step();
  h.step();  // first utilisation: host a at 0.9 > 0.5
  ASSERT_EQ(h.count("DECISION migrate hot ha -> hb"), 1) << h.all();
  ASSERT_TRUE(c.settle("hot", {false, "internal error: client socket is closed", live::kStatePaused, live::kPausedMigration})) << h.all();
  h.wait_jobs_done();
  h.step();
  EXPECT_EQ(h.count("MIGRATION FAILED hot ha -> hb"), 1) << h.all();
  EXPECT_EQ(h.count("client socket is closed"), 1) << h.all();
  EXPECT_EQ(h.count("CHECK hot: runs once, on ha; resumed on ha (left paused by the migration)"), 1) << h.all();
  EXPECT_EQ(c.find(0, "hot")->state, live::kStateRunning);
  EXPECT_EQ(h.core->counts().failed, 1);
  EXPECT_EQ(h.core->counts().repairs, 1);
  const auto rec = std::find_if(h.records.begin(), h.records.end(), [](const auto& r) { return r.contains("migration"); });
  ASSERT_NE(rec, h.records.end());
  EXPECT_FALSE((*rec)["migration"]["ok"].get<bool>());
  EXPECT_EQ((*rec)["migration"]["error"], "internal error: client socket is closed");
}

TEST(ControllerCore, MigrationsCarryTheSettingsAndAStalledOneIsAFailureWithTheSourceKept) {
  FakeLiveCluster c(2, 1);
  c.add(0, "hot", 0.9);
  Harness h(c, R"({"max_concurrent_per_host": 1})", 0, [](live::CoreSettings& s) {
    s.bandwidth_mibps = 40;
    s.max_downtime_ms = 250;
    s.auto_converge = true;
    s.stall_timeout_s = 7;
  });
  h.step();
  h.step();
  // What live_migrate reports when its stall timeout cancelled the job.
  const std::string stalled =
      "no data sent for 7 s (link down or dropping packets?): cancelled; operation aborted: canceled by client";
  ASSERT_TRUE(c.settle("hot", {false, stalled, live::kStateRunning, 0})) << h.all();
  h.wait_jobs_done();
  h.step();
  const auto reqs = c.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].domain, "hot");
  EXPECT_EQ(reqs[0].bandwidth_mibps, 40);
  EXPECT_EQ(reqs[0].max_downtime_ms, 250);
  EXPECT_TRUE(reqs[0].auto_converge);
  EXPECT_EQ(reqs[0].stall_timeout_s, 7);
  EXPECT_EQ(h.count("MIGRATION FAILED hot ha -> hb"), 1) << h.all();
  EXPECT_EQ(h.count("no data sent for 7 s"), 1) << h.all();
  EXPECT_EQ(h.count("CHECK hot: runs once, on ha"), 1) << h.all();
  EXPECT_EQ(h.core->counts().failed, 1);
  EXPECT_EQ(h.core->counts().repairs, 0);
  EXPECT_EQ(c.find(0, "hot")->state, live::kStateRunning);
}

TEST(ControllerCore, AStalledMigrationsCancellationIsSaidWhileItRunsAndBeforeItsFailure) {
  FakeLiveCluster c(2, 1);
  c.add(0, "hot", 0.9);
  Harness h(c);
  h.step();
  h.step();
  ASSERT_EQ(h.count("DECISION migrate hot ha -> hb"), 1) << h.all();
  // What live_migrate tells its notice when the stall timeout fires, before it cancels.
  const std::string notice = "no data sent for 30 s: cancelling the migration (the source keeps running)";
  ASSERT_TRUE(c.notice("hot", notice)) << h.all();
  h.step();  // the job still runs: the notice is said now, not when it ends
  EXPECT_EQ(h.core->in_flight(), 1);
  EXPECT_EQ(h.count("NOTICE hot: " + notice), 1) << h.all();
  EXPECT_EQ(h.count("MIGRATION FAILED"), 0) << h.all();
  const auto rec = std::find_if(h.records.begin(), h.records.end(),
                                [](const auto& r) { return r.value("event", "") == "notice"; });
  ASSERT_NE(rec, h.records.end());
  EXPECT_EQ((*rec)["domain"], "hot");
  EXPECT_EQ((*rec)["notice"], notice);
  ASSERT_TRUE(c.settle("hot", {false, "no data sent for 30 s (link down or dropping packets?): cancelled", live::kStateRunning, 0}));
  h.wait_jobs_done();
  h.step();
  EXPECT_EQ(h.count("NOTICE hot"), 1) << h.all();  // said once
  const auto notice_at = h.first_line("NOTICE hot");
  const auto failed_at = h.first_line("MIGRATION FAILED hot");
  ASSERT_NE(failed_at, h.lines.end()) << h.all();
  EXPECT_LT(notice_at, failed_at);
}

TEST(ControllerCore, TheStallTimeoutIsOnByDefault) {
  EXPECT_EQ(live::CoreSettings{}.stall_timeout_s, 30.0);
  EXPECT_EQ(live::ControllerSettings{}.stall_timeout_s, 30.0);
}

TEST(ControllerCore, ASuccessfulMigrationLeavesNoStaleCopyAndMovesTheVm) {
  FakeLiveCluster c(2, 1);
  c.add(0, "hot", 0.9);
  Harness h(c);
  h.step();
  h.step();
  ASSERT_TRUE(c.settle("hot", {})) << h.all();
  h.wait_jobs_done();
  h.step();
  EXPECT_EQ(h.count("MIGRATED hot ok: ha -> hb"), 1) << h.all();
  EXPECT_EQ(h.count("CHECK hot: runs once, on hb"), 1) << h.all();
  EXPECT_EQ(h.core->host_of("hot"), 1);
  EXPECT_TRUE(c.actions().empty());
}

TEST(ControllerCore, AHostThatStopsAnsweringIsReportedRetriedWithBackoffAndPickedUpAgain) {
  FakeLiveCluster c(3, 1);
  c.add(0, "a1", 0.1);
  c.add(1, "b1", 0.1);
  Harness h(c);
  h.step();
  c.set_down(1, true);
  h.step();  // t = 1: lost
  EXPECT_EQ(h.count("HOST LOST hb"), 1) << h.all();
  EXPECT_FALSE(h.core->reachable(1));
  EXPECT_EQ(h.core->host_of("b1"), -1);  // its domains are not placed
  EXPECT_EQ(h.count("domain b1 gone"), 0) << "a lost host's domains are not 'gone'";
  for (int i = 0; i < 12; ++i) h.step();  // t = 2 .. 13
  // Attempts 1, 2, 4, 8 s apart after the loss at t = 1: t = 2, 4, 8 (then 16).
  EXPECT_EQ(c.reconnect_attempts(), 3);
  EXPECT_EQ(h.count("HOST LOST hb"), 1) << "said once";
  EXPECT_GE(h.count("ha cpu="), 13) << "decisions go on with the hosts that answer";
  c.set_down(1, false);
  for (int i = 0; i < 4; ++i) h.step();  // t = 14 .. 17: the attempt at 16 succeeds
  EXPECT_EQ(h.count("HOST BACK hb after 15.0 s"), 1) << h.all();
  EXPECT_EQ(h.core->host_of("b1"), 1);
}

TEST(ControllerCore, DomainsThatAppearArePickedUpAndDestroyedOnesDropped) {
  FakeLiveCluster c(2, 1);
  c.add(0, "a1", 0.1);
  Harness h(c);
  h.step();
  EXPECT_EQ(h.count("managing 1 domains: a1"), 1) << h.all();
  c.add(1, "late", 0.2);
  h.step();
  EXPECT_EQ(h.count("domain late appeared on hb: managed from now"), 1) << h.all();
  EXPECT_EQ(h.core->managed(), 2);
  h.step();
  EXPECT_EQ(h.core->host_of("late"), 1);
  c.remove("a1");
  h.step();
  EXPECT_EQ(h.count("domain a1 gone from ha (destroyed or shut off): dropped"), 1) << h.all();
  EXPECT_EQ(h.core->host_of("a1"), -1);
  h.step();
  EXPECT_EQ(h.count("domain a1 gone"), 1) << "said once";
}

TEST(ControllerCore, ADomainListedWhileShuttingDownIsGoneAndAPausedOneIsNot) {
  FakeLiveCluster c(2, 1);
  c.add(0, "a1", 0.1);
  c.add(1, "b1", 0.1);
  Harness h(c);
  h.step();
  c.set_state(0, "a1", live::kStatePaused, live::kPausedUser);  // paused: still there, not gone
  h.step();
  EXPECT_EQ(h.count("domain a1 gone"), 0) << h.all();
  for (const int ending : {live::kStateShutdown, live::kStateCrashed}) {
    c.set_state(0, "a1", live::kStateRunning, 0);
    h.step();
    c.set_state(0, "a1", ending, 0);  // QEMU dying, yet still in the active list
    h.step();
    EXPECT_EQ(h.count("domain a1 gone from ha (destroyed or shut off): dropped"), 1) << "state " << ending << "\n"
                                                                                      << h.all();
    c.set_state(0, "a1", live::kStateRunning, 0);
    h.step();
    EXPECT_EQ(h.count("domain a1 is back, on ha: managed again"), 1) << h.all();
    h.lines.clear();
  }
  c.set_state(1, "b1", live::kStateShutoff, 0);
  h.step();
  EXPECT_EQ(h.count("domain b1 gone from hb (destroyed or shut off): dropped"), 1) << h.all();
}

TEST(ControllerCore, ADomainDestroyedDuringItsMigrationIsAFailedMigration) {
  FakeLiveCluster c(2, 1);
  c.add(0, "hot", 0.9);
  Harness h(c);
  h.step();
  h.step();
  ASSERT_TRUE(c.wait_in_flight(1)) << h.all();
  c.remove("hot");
  ASSERT_TRUE(c.settle("hot", {})) << h.all();
  h.wait_jobs_done();
  h.step();
  EXPECT_EQ(h.count("MIGRATION FAILED hot ha -> hb"), 1) << h.all();
  EXPECT_EQ(h.count("domain is no longer running"), 1) << h.all();
  EXPECT_EQ(h.count("CHECK hot: MISSING on every host"), 1) << h.all();
  EXPECT_EQ(h.core->host_of("hot"), -1);
}

TEST(ControllerCore, MigrationsRunAtOnceWithinTheAdmissionLimitsAndAVmIsNeverOrderedTwice) {
  FakeLiveCluster c(4, 4);
  for (int i = 0; i < 4; ++i) c.add(0, vm_name(i), 0.9);  // host a: 3.6 of 4 CPUs
  Harness h(c, R"({"max_concurrent_per_host": 2})");
  for (int i = 0; i < 6; ++i) h.step();  // nothing settled: the jobs stay in flight
  ASSERT_TRUE(c.wait_in_flight(2)) << h.all();
  EXPECT_EQ(h.core->in_flight(), 2) << h.all();
  EXPECT_EQ(h.count("DECISION"), 2) << "host a's limit is 2 in flight (as source)\n" << h.all();
  EXPECT_EQ(c.max_concurrent(), 2);
  // Each VM in flight was ordered once.
  for (int i = 0; i < 4; ++i) EXPECT_LE(h.count("DECISION migrate v" + std::to_string(i) + " "), 1);
  // One ends: a third may start.
  std::string first;
  for (int i = 0; i < 4 && first.empty(); ++i) {
    if (h.count("DECISION migrate v" + std::to_string(i) + " ") == 1) first = vm_name(i);
  }
  ASSERT_TRUE(c.settle(first, {})) << h.all();
  while (h.core->in_flight() > 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  h.step();
  EXPECT_EQ(h.count("MIGRATED " + first + " ok"), 1) << h.all();
  EXPECT_EQ(h.core->in_flight(), 2) << h.all();
  EXPECT_EQ(h.count("DECISION"), 3) << h.all();
  // Stop: the two in flight are cancelled, reported and checked.
  h.core->finish([&] { return h.t; }, true);
  EXPECT_EQ(h.core->in_flight(), 0);
  EXPECT_EQ(h.count("stopping: cancelling 2 migration(s) in flight"), 1) << h.all();
  EXPECT_EQ(h.count("canceled by client"), 2) << h.all();
  EXPECT_EQ(static_cast<int>(c.actions().size()), 2);  // two aborts, no repair needed
  for (int i = 0; i < 4; ++i) {
    const std::string n = vm_name(i);
    int copies = 0;
    for (int host = 0; host < 4; ++host) {
      if (const auto v = c.find(host, n)) {
        ++copies;
        EXPECT_EQ(v->state, live::kStateRunning) << n;
      }
    }
    EXPECT_EQ(copies, 1) << n;
  }
  EXPECT_EQ(c.max_concurrent(), 2);
}

TEST(ControllerCore, TheMigrationLimitStopsNewOrdersAndTheTotalLimitHolds) {
  FakeLiveCluster c(4, 4);
  for (int i = 0; i < 4; ++i) c.add(0, vm_name(i), 0.9);
  Harness h(c, R"({"max_concurrent_total": 1})", 2);
  for (int i = 0; i < 4; ++i) h.step();
  ASSERT_TRUE(c.wait_in_flight(1)) << h.all();
  EXPECT_EQ(h.count("DECISION"), 1) << h.all();
  for (int k = 0; k < 3; ++k) {
    for (int i = 0; i < 4; ++i) {
      const std::string n = vm_name(i);
      if (h.count("DECISION migrate " + n + " ") == 1 && h.count("MIGRATED " + n) == 0) {
        ASSERT_TRUE(c.settle(n, {})) << h.all();
        h.wait_jobs_done();
        h.step();
        break;
      }
    }
  }
  EXPECT_EQ(h.core->counts().started, 2) << h.all();
  EXPECT_TRUE(h.core->limit_reached());
  EXPECT_EQ(c.max_concurrent(), 1);
}

TEST(DomainCheck, KeepsExactlyOneRunningCopy) {
  using live::DomainCopy;
  using K = live::DomainVerdict::Kind;
  const int R = live::kStateRunning, P = live::kStatePaused, M = live::kPausedMigration;
  // Failed migration: source paused, destination's incoming copy paused -> resume the source, destroy the other.
  auto v = live::check_domain({{0, P, M}, {1, P, M}}, true, 0);
  EXPECT_EQ(v.kind, K::kRunsOnce);
  ASSERT_EQ(v.repairs.size(), 2u);
  EXPECT_EQ(v.repairs[0].kind, live::DomainRepair::Kind::kResume);
  EXPECT_EQ(v.repairs[0].host, 0);
  EXPECT_EQ(v.repairs[1].kind, live::DomainRepair::Kind::kDestroy);
  EXPECT_EQ(v.repairs[1].host, 1);
  // Runs on the destination, the source half left paused: destroy it.
  v = live::check_domain({{0, P, M}, {1, R, 0}}, true, 0);
  EXPECT_EQ(v.kind, K::kRunsOnce);
  EXPECT_EQ(v.runs_on, 1);
  ASSERT_EQ(v.repairs.size(), 1u);
  EXPECT_EQ(v.repairs[0].host, 0);
  // Only an incoming copy, no source copy: never resumed (it may hold half a guest).
  v = live::check_domain({{1, P, M}}, true, 0);
  EXPECT_EQ(v.kind, K::kUnknown);
  EXPECT_TRUE(v.repairs.empty());
  // Two running copies, a user's pause, nothing, nothing with a host away.
  EXPECT_EQ(live::check_domain({{0, R, 0}, {1, R, 0}}, true, 0).kind, K::kRunningTwice);
  EXPECT_TRUE(live::check_domain({{0, R, 0}, {1, R, 0}}, true, 0).repairs.empty());
  EXPECT_EQ(live::check_domain({{0, P, live::kPausedUser}}, true, 0).kind, K::kPausedByUser);
  EXPECT_EQ(live::check_domain({}, true, 0).kind, K::kMissing);
  EXPECT_EQ(live::check_domain({}, false, 0).kind, K::kUnknown);
}

TEST(ReconnectBackoff, DoublesUpToItsBound) {
  live::ReconnectBackoff b(1, 8);
  b.lost(10);
  EXPECT_TRUE(b.due(10));
  std::vector<double> at;
  double t = 10;
  for (int i = 0; i < 6; ++i) {
    b.failed(t);
    t = b.next_attempt();
    at.push_back(t);
  }
  EXPECT_EQ(at, (std::vector<double>{11, 13, 17, 25, 33, 41}));
  EXPECT_FALSE(b.due(40.9));
  b.lost(100);
  EXPECT_TRUE(b.due(100));
  EXPECT_EQ(b.delay(), 1);
}

TEST(ControllerCore, AStaleCopyOnAHostThatWasAwayIsDestroyedWhenItIsBack) {
  FakeLiveCluster c(2, 1);
  c.add(0, "hot", 0.9);
  Harness h(c, R"({"max_concurrent_per_host": 1, "vm_cooldown_s": 1000})");
  h.step();
  h.step();
  ASSERT_TRUE(c.wait_in_flight(1)) << h.all();
  c.set_down(1, true);  // the destination's libvirtd dies mid-migration
  h.step();
  EXPECT_EQ(h.count("HOST LOST hb"), 1) << h.all();
  ASSERT_TRUE(c.settle("hot", {false, "End of file while reading data", live::kStateRunning, 0})) << h.all();
  h.wait_jobs_done();
  h.step();
  EXPECT_EQ(h.count("MIGRATION FAILED hot ha -> hb"), 1) << h.all();
  EXPECT_EQ(h.count("CHECK hot: runs once, on ha"), 1) << h.all();
  // The incoming half is still there, paused, when the host comes back.
  c.add(1, "hot", 0);
  c.set_state(1, "hot", live::kStatePaused, live::kPausedMigration);
  c.set_down(1, false);
  for (int i = 0; i < 6; ++i) h.step();
  EXPECT_EQ(h.count("HOST BACK hb"), 1) << h.all();
  EXPECT_EQ(h.count("CHECK hot: runs once, on ha; destroyed the stale paused copy on hb"), 1) << h.all();
  EXPECT_FALSE(c.find(1, "hot").has_value());
  EXPECT_EQ(c.find(0, "hot")->state, live::kStateRunning);
  EXPECT_EQ(h.count("CHECK hot"), 2) << "checked once more, not at every step";
}

TEST(ControllerCore, AnOrderToAHostThatIsAwayIsNotCarriedOutAndSaidOnce) {
  FakeLiveCluster c(2, 1);
  c.add(0, "hot", 0.9);
  Harness h(c);
  c.set_down(1, true);
  for (int i = 0; i < 5; ++i) h.step();
  EXPECT_EQ(h.count("DECISION"), 0) << h.all();
  EXPECT_EQ(h.core->in_flight(), 0);
  const int said = h.count("decision to migrate hot to hb not carried out: that host does not answer");
  EXPECT_LE(said, 1) << h.all();
  c.set_down(1, false);
  for (int i = 0; i < 10 && h.count("DECISION") == 0; ++i) h.step();
  EXPECT_EQ(h.count("DECISION migrate hot ha -> hb"), 1) << "decided once the host is back\n" << h.all();
}
