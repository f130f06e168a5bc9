#pragma once
// What `migsim replay` reads out of a libvirt trace: each VM's CPU demand series
// (from cpu.time deltas), memory and dirty rate, and the migrations the trace
// recorded, with the state of the VM just before each one.
#include <string>
#include <vector>

#include "traces/libvirt_trace.hpp"

namespace migsim::traces {

struct VmSeries {
  std::string name;
  int first_host = -1;             // index into the trace header's hosts
  double vcpus = 1.0;
  double ram_mib = 0.0;
  std::vector<double> util;        // one value per interval from t = 0 (fraction of its vCPUs)
  double mean_util = 0.0;
  double mean_dirty_pages_per_sec = 0.0;  // mean of the page-sampling measurements (0 if none)
  int dirty_measurements = 0;
  double max_rss_mib = 0.0;
};

struct TraceSeries {
  double interval_s = 1.0;
  double duration_s = 0.0;
  std::vector<std::string> hosts;  // header host names
  std::vector<VmSeries> vms;       // ordered by first appearance
};

// Validates what replay needs (every sample: cpu.time and balloon.current or
// balloon.maximum; cpu.time never going backwards on a host; no gap longer than
// max(5 intervals, 10 s) in a domain's samples, except across its migration or
// a gap the capture marked with a "gap" event, whose detail needs numbers
// from_t <= to_t)
// and builds the per-interval series. InputError names origin:line and field.
TraceSeries utilization_series(const LibvirtTrace& trace, const std::string& origin);

// A migration recorded in the trace.
struct RecordedMigration {
  std::string domain, from_host, to_host;
  double t_start = 0.0, t_end = 0.0;        // trace time of job start / completion
  int line = 0;                             // line of the completed-job record used
  // Settings in force (from the job-started event; negative when unknown).
  double max_speed_mibps = -1.0;            // 0 = unlimited
  double max_downtime_ms = -1.0;
  // The VM just before the job (last sample on the source host).
  double ram_mib = 0.0;
  double rss_mib = 0.0;
  double util = 0.0;
  double dirty_pages_per_sec = -1.0;        // last page-sampling result before the job; -1 none
  // QEMU's own dirty rate (job stat memory_dirty_rate) seen during an EARLIER
  // migration of the domain; -1 none. Page sampling under-reports under TCG here.
  double earlier_job_dirty_pages_per_sec = -1.0;
  // libvirt's preparation before QEMU sends the first page (starting the
  // destination QEMU etc.; time_elapsed counts it, QEMU's setup_time does not):
  // time_elapsed - memory_processed / memory_bps at the first running job record
  // that shows progress; -1 when the trace has none.
  double prepare_ms = -1.0;
  // Completed-job stats (source side when recorded, else the destination's).
  StatValues completed;
  bool completed_on_source = false;
};

std::vector<RecordedMigration> recorded_migrations(const LibvirtTrace& trace,
                                                   const std::string& origin);

}  // namespace migsim::traces
