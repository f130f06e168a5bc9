#pragma once
// One live migration through libvirt (virDomainMigrate3, client-managed between
// two connections), followed with virDomainGetJobStats on the source, and its
// final report from the source's completed-job stats.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/libvirt_client.hpp"

namespace migsim::live {

struct LiveMigrationRequest {
  std::string domain;
  // MiB/s; <= 0 leaves it unlimited (libvirt's default: QEMU's 128 MiB/s does NOT apply).
  double bandwidth_mibps = 0.0;
  double max_downtime_ms = 0.0;   // <= 0: keep the domain's current setting
  bool auto_converge = false;
  double timeout_s = 0.0;         // > 0: pause the guest after this long (like virsh --timeout)
  double poll_ms = 500.0;         // job stats cadence while the job runs
  // > 0: cancel the job (virDomainAbortJob) when no byte has been sent for this long
  // (a link that drops packets or is down, a destination that stopped reading).
  double stall_timeout_s = 0.0;
  bool undefine_source = true;    // after the completed stats have been read
  // After a failure, check both hosts and repair (report.guest_after); the
  // controller does its own check over every host and turns this off.
  bool check_after_failure = true;
};

struct JobSnapshot {
  double t_s = 0.0;  // since the migration call
  traces::StatValues stats;
};

struct LiveMigrationReport {
  std::string domain, source_uri, dest_uri;
  bool ok = false;
  std::string error;
  bool timed_out = false;             // the guest was paused by --timeout
  bool stalled = false;               // cancelled after stall_timeout_s without progress
  // After a failure: where the guest is, as the controller's check says it
  // (live/domain_check.hpp), with the repairs made (a source left paused by the
  // migration resumed, a stale paused copy destroyed), and each host's state.
  std::string guest_after;            // "runs once, on URI", "MISSING on every host", ...
  bool guest_lost = false;            // no copy runs anywhere and both hosts answered
  std::string source_state, dest_state;  // "running", "shut off (crashed)", "absent", ...
  double wall_ms = 0.0;               // as the client saw it
  double total_ms = 0.0;              // time_elapsed of the completed job
  double downtime_ms = 0.0;
  double setup_ms = 0.0;
  double data_total_bytes = 0.0;
  double data_processed_bytes = 0.0;
  double memory_processed_bytes = 0.0;
  double memory_bps = 0.0;
  double iterations = 0.0;            // memory_iteration (= dirty-sync-count)
  double constant_pages = 0.0;        // zero pages
  double normal_pages = 0.0;
  double max_dirty_rate_pps = 0.0;
  double max_throttle_pct = 0.0;      // highest auto_converge_throttle seen
  double bandwidth_mibps = 0.0;       // as requested (0 = unlimited)
  double max_downtime_ms = 0.0;       // as in force
  bool auto_converge = false;
  traces::StatValues completed;               // the raw completed-job stats
  std::vector<JobSnapshot> progress;  // job stats while the job ran
};

// Called after every job-stats poll (for progress output); may be empty.
using ProgressFn = std::function<void(const JobSnapshot&)>;
// Called with a line about what is being done (a stalled job being cancelled); may be empty.
using NoticeFn = std::function<void(const std::string&)>;

// Migrates and reports; libvirt failures end up in report.error (ok = false),
// an unknown domain raises InputError.
LiveMigrationReport live_migrate(const LibvirtConnection& src, const LibvirtConnection& dst,
                                 const LiveMigrationRequest& req, const ProgressFn& progress,
                                 const NoticeFn& notice = {});

// The same between two URIs (read-write connections): `migsim live-migrate`. A
// destination that refuses the connection gives a failed report (the source is
// checked as after any failure); a source that does, EnvironmentError.
LiveMigrationReport live_migrate(const std::string& from_uri, const std::string& to_uri,
                                 const LiveMigrationRequest& req, const ProgressFn& progress,
                                 const NoticeFn& notice = {});

nlohmann::json to_json(const LiveMigrationReport& r, bool with_progress);
std::string format_report(const LiveMigrationReport& r);
// One progress line of a running job (iteration, MiB processed and remaining,
// speed, dirty rate, auto-converge throttle), without the line break.
std::string format_progress(const JobSnapshot& s);

}  // namespace migsim::live
