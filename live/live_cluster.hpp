#pragma once
// What the live controller asks of a set of libvirt hosts, behind a small
// interface so that its bookkeeping (live/controller_core.hpp) runs against a
// fake in unit tests: each host's active domains with their state, reconnecting
// a host that stopped answering, repairs after a failed migration (resume,
// destroy a stale copy) and the migration itself (called from a job thread).
// The libvirt implementation is live/libvirt_live_cluster.hpp.
#include <string>
#include <vector>

#include "live/libvirt_cluster_view.hpp"
#include "live/libvirt_migration.hpp"
#include "traces/libvirt_trace.hpp"

namespace migsim::live {

// libvirt's virDomainState and the virDomainPausedReason values the checks need.
inline constexpr int kStateRunning = 1;
inline constexpr int kStatePaused = 3;
inline constexpr int kStateShutdown = 4;  // being shut down: QEMU is on its way out
inline constexpr int kStateShutoff = 5;
inline constexpr int kStateCrashed = 6;
// A copy in one of these states is ending, not a place the domain lives.
inline constexpr bool is_ending_state(int state) {
  return state == kStateShutdown || state == kStateShutoff || state == kStateCrashed;
}
inline constexpr int kPausedUser = 1;
inline constexpr int kPausedMigration = 2;       // either side of a migration
inline constexpr int kPausedPostcopy = 12;
inline constexpr int kPausedPostcopyFailed = 13;

struct LiveDomain {
  std::string name;
  int state = kStateRunning;  // state.state
  int reason = 0;             // state.reason
  traces::StatValues stats;   // every domain stat (cpu, balloon, vcpu, dirtyrate, ...)
};

class LiveCluster {
 public:
  virtual ~LiveCluster() = default;
  virtual int host_count() const = 0;
  virtual const ViewHost& host(int h) const = 0;
  // The active (running, paused, ...) domains of host h. Throws EnvironmentError
  // when the host does not answer.
  virtual std::vector<LiveDomain> domains(int h) = 0;
  // Tries once to reach host h again; false while it does not answer.
  virtual bool reconnect(int h) = 0;
  // Repairs; throw EnvironmentError on failure.
  virtual void resume(int h, const std::string& domain) = 0;
  virtual void destroy(int h, const std::string& domain) = 0;
  virtual void start_dirty_rate_calc(int h, const std::string& domain) = 0;
  // Asks the running migration job of `domain` on host h to stop (virDomainAbortJob).
  virtual void abort_migration(int h, const std::string& domain) = 0;
  // One migration; called from a job thread, several at once for different
  // domains. libvirt's failures end up in the report (ok = false), never thrown.
  // `notice` (from that job thread, may be empty) gets a line about what is done
  // while it runs, e.g. a stalled job being cancelled.
  virtual LiveMigrationReport migrate(int from, int to, const LiveMigrationRequest& req,
                                      const NoticeFn& notice) = 0;
};

}  // namespace migsim::live
