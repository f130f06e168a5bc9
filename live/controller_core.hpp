#pragma once
// One step of the live controller, over a LiveCluster (live/live_cluster.hpp) so
// that it runs against a fake in unit tests: collect the migrations that ended
// (report each, then check where its domain runs and repair what a failed one
// left: live/domain_check.hpp), read every host (a host that stops answering is
// reported lost and tried again with a bounded backoff; decisions go on with the
// hosts that answer), pick up domains that appeared and drop those that are gone,
// ask the consolidation policy, and start the admitted migrations in their own
// threads (live/migration_jobs.hpp). The policy sees the migrations in flight in
// its placement (source host + migrating-in on the target), so its admission
// limits (max_concurrent_per_host / _total, cooldowns) bound how many run at once,
// exactly as in the simulator; a VM in flight is never ordered again.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <utility>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/domain_check.hpp"
#include "live/libvirt_cluster_view.hpp"
#include "live/live_cluster.hpp"
#include "live/migration_jobs.hpp"
#include "live/reconnect_backoff.hpp"
#include "sim/consolidation_policy.hpp"
#include "sim/power_curve.hpp"
#include "traces/libvirt_sample_readers.hpp"

namespace migsim::live {

struct CoreSettings {
  bool dry_run = false;            // decide and report only
  double bandwidth_mibps = 0.0;    // migrations; 0: unlimited
  double max_downtime_ms = 0.0;    // 0: the domain's setting
  bool auto_converge = false;
  // Cancel a migration that has sent nothing for this long (LiveMigrationRequest::
  // stall_timeout_s; the source keeps running); 0: never.
  double stall_timeout_s = 30.0;
  double dirtyrate_every_s = 5.0;  // 0: never
  double max_migrations = 0.0;     // start no more than this many; 0: no limit
  int vm_slots = 256;              // VMs the policy was made for (domains beyond: not managed)
  double backoff_initial_s = 1.0;  // reconnect attempts: 1, 2, 4, ... s apart
  double backoff_max_s = 16.0;
};

struct CoreCounts {
  int started = 0;
  int succeeded = 0;
  int failed = 0;
  int repairs = 0;  // domains resumed or stale copies destroyed
};

class ControllerCore {
 public:
  // `say` gets every report line and, for the JSON log, a record (or null).
  using Say = std::function<void(const std::string& line, const nlohmann::json& record)>;
  ControllerCore(LiveCluster& cluster, sim::ConsolidationPolicy& policy,
                 std::shared_ptr<const sim::PowerCurve> power, CoreSettings s, Say say);
  ~ControllerCore();

  void step(double t);
  // The end: asks every migration in flight to stop (cancel) or lets it finish,
  // waits for them, reports and checks each.
  // `now` gives the time after the wait.
  void finish(const std::function<double()>& now, bool cancel);

  int in_flight() const { return jobs_.running_count(); }
  bool limit_reached() const { return s_.max_migrations > 0 && counts_.started >= s_.max_migrations; }
  const CoreCounts& counts() const { return counts_; }
  int managed() const { return static_cast<int>(by_name_.size()); }
  bool reachable(int h) const { return hosts_[static_cast<std::size_t>(h)].reachable; }
  // The slot of a managed domain (-1: not managed) and where the controller places it.
  int slot_of(const std::string& domain) const;
  int host_of(const std::string& domain) const;

 private:
  struct Slot {
    ViewVm vm;
    traces::CpuUsageMeter meter;
    double dirty_start = -1.0, last_dirty_calc = -1e18;
    bool gone = false, twice = false;
  };
  struct HostState {
    bool reachable = true;
    double lost_at = 0.0;
    ReconnectBackoff backoff;
  };
  struct Flight {
    int from = -1, to = -1;
    double started_at = 0.0;
  };
  using Snapshot = std::vector<std::optional<std::vector<LiveDomain>>>;  // per host; empty: no answer

  Snapshot read_hosts(double t);
  void collect(double t, Snapshot& snap);
  void check(double t, const std::string& name, int source, Snapshot& snap);
  // The checks waiting for a host that was away, once every host answers.
  void recheck(double t, Snapshot& snap);
  void observe(double t, const Snapshot& snap);
  void decide(double t);
  void say(double t, const std::string& text, nlohmann::json record = nullptr);
  // A job thread's notice about its migration (slot vm); said at the next step.
  void queue_notice(int vm, const std::string& text);
  void say_notices(double t);
  std::string host_name(int h) const { return cluster_.host(h).name; }

  LiveCluster& cluster_;
  sim::ConsolidationPolicy& policy_;
  std::shared_ptr<const sim::PowerCurve> power_;
  CoreSettings s_;
  Say say_;
  std::vector<HostState> hosts_;
  std::vector<Slot> slots_;
  std::map<std::string, int> by_name_;
  std::map<int, Flight> flights_;               // by slot
  std::map<std::string, int> deferred_checks_;  // domain -> source host
  std::set<std::pair<int, int>> skipped_said_;  // (VM, host away) orders already reported
  bool first_step_ = true;
  bool full_said_ = false;
  CoreCounts counts_;
  std::mutex notices_mu_;
  std::vector<std::pair<int, std::string>> notices_;  // (slot, text), from job threads
  MigrationJobs jobs_;  // last: its destructor waits for the jobs that use the rest
};

}  // namespace migsim::live
