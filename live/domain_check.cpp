#include "live/domain_check.hpp"

#include "live/live_cluster.hpp"

namespace migsim::live {

namespace {

bool paused_by_migration(const DomainCopy& c) {
  return c.state == kStatePaused && (c.reason == kPausedMigration || c.reason == kPausedPostcopy ||
                                     c.reason == kPausedPostcopyFailed);
}

}  // namespace

DomainVerdict check_domain(const std::vector<DomainCopy>& copies, bool all_hosts_answered, int source) {
  DomainVerdict v;
  std::vector<const DomainCopy*> running, migrating, other;
  for (const auto& c : copies) {
    if (c.state == kStateRunning) {
      running.push_back(&c);
    } else if (paused_by_migration(c)) {
      migrating.push_back(&c);
    } else {
      other.push_back(&c);
    }
  }
  if (running.size() > 1) {
    v.kind = DomainVerdict::Kind::kRunningTwice;
    return v;
  }
  if (running.size() == 1) {
    v.kind = DomainVerdict::Kind::kRunsOnce;
    v.runs_on = running[0]->host;
    for (const auto* c : migrating) v.repairs.push_back({DomainRepair::Kind::kDestroy, c->host});
    return v;
  }
  if (!migrating.empty()) {
    const DomainCopy* keep = nullptr;
    for (const auto* c : migrating) {
      if (c->host == source) keep = c;
    }
    if (!keep) {
      v.kind = DomainVerdict::Kind::kUnknown;
      return v;
    }
    v.kind = DomainVerdict::Kind::kRunsOnce;
    v.runs_on = keep->host;
    v.repairs.push_back({DomainRepair::Kind::kResume, keep->host});
    for (const auto* c : migrating) {
      if (c != keep) v.repairs.push_back({DomainRepair::Kind::kDestroy, c->host});
    }
    return v;
  }
  if (!other.empty()) {
    v.kind = DomainVerdict::Kind::kPausedByUser;
    v.runs_on = other[0]->host;
    return v;
  }
  v.kind = all_hosts_answered ? DomainVerdict::Kind::kMissing : DomainVerdict::Kind::kUnknown;
  return v;
}

std::string describe(const DomainVerdict& v, const std::vector<std::string>& host_names) {
  auto name = [&](int h) {
    return h >= 0 && h < static_cast<int>(host_names.size()) ? host_names[static_cast<std::size_t>(h)]
                                                             : std::string("?");
  };
  std::string out;
  switch (v.kind) {
    case DomainVerdict::Kind::kRunsOnce: out = "runs once, on " + name(v.runs_on); break;
    case DomainVerdict::Kind::kRunningTwice: out = "RUNNING TWICE (left alone: check it by hand)"; break;
    case DomainVerdict::Kind::kMissing: out = "MISSING on every host"; break;
    case DomainVerdict::Kind::kUnknown: out = "not seen running (a host does not answer; checked again when it is back)"; break;
    case DomainVerdict::Kind::kPausedByUser: out = "paused (not by a migration: left alone) on " + name(v.runs_on); break;
  }
  for (const auto& r : v.repairs) {
    out += r.kind == DomainRepair::Kind::kResume ? "; resumed on " + name(r.host) + " (left paused by the migration)"
                                                 : "; destroyed the stale paused copy on " + name(r.host);
  }
  return out;
}

}  // namespace migsim::live
