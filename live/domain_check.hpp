#pragma once
// Where one domain is after a migration (or when a host that was away comes
// back), and what to repair so that it runs exactly once and is not left paused
// by a migration. Pure: reads the copies libvirt listed, returns the verdict
// and the repairs; the controller carries them out and reports them.
#include <string>
#include <vector>

namespace migsim::live {

struct DomainCopy {
  int host = -1;
  int state = 0;   // virDomainState (live/live_cluster.hpp)
  int reason = 0;  // virDomainPausedReason when paused
};

struct DomainRepair {
  enum class Kind { kResume, kDestroy };
  Kind kind = Kind::kResume;
  int host = -1;
};

struct DomainVerdict {
  enum class Kind {
    kRunsOnce,      // exactly one running copy (after the repairs)
    kRunningTwice,  // more than one running copy: left alone, reported
    kMissing,       // no copy on any host, and every host answered
    kUnknown,       // no running copy seen, but a host did not answer
    kPausedByUser,  // paused for another reason than a migration: left alone
  };
  Kind kind = Kind::kMissing;
  int runs_on = -1;  // the host it runs on (kRunsOnce)
  std::vector<DomainRepair> repairs;
};

// `copies`: every active copy the answering hosts listed; `all_hosts_answered`
// false when some host could not be asked. `source`: the host the failed or
// finished migration started from (-1: none), the copy to keep running when
// no copy runs. Rules:
//  - one running copy: it stays; copies paused by a migration elsewhere (the
//    other half of a migration) are destroyed;
//  - no running copy, copies paused by a migration: the source's copy is
//    resumed and the others destroyed; without a copy on the source nothing is
//    touched (kUnknown: an incoming copy may hold half a guest);
//  - two running copies, or a copy paused by the user: nothing is touched.
DomainVerdict check_domain(const std::vector<DomainCopy>& copies, bool all_hosts_answered, int source);

// One line: "runs on HOST", "resumed on HOST (left paused by the migration)", ...
std::string describe(const DomainVerdict& v, const std::vector<std::string>& host_names);

}  // namespace migsim::live
