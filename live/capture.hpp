#pragma once
// Records a libvirt trace (format: traces/libvirt_trace.hpp, documented in
// traces/README-libvirt-trace.md) from one or more libvirt hosts: every domain's
// stats each interval, page-sampling dirty-rate measurements, job stats while a
// domain has a job (in their own thread and connections) and the completed
// job's stats on both sides.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace migsim::live {

struct CaptureSettings {
  std::vector<std::string> uris;     // libvirt URIs, one per host (at least one)
  std::vector<std::string> domains;  // only these (each must exist); empty: all
  std::string out;                   // trace file; written as <out>.partial, then renamed
  double interval_s = 1.0;           // domain stats cadence
  double job_interval_s = 0.5;       // job stats cadence during jobs
  double dirtyrate_every_s = 5.0;    // 0: no dirty-rate measurements
  int dirtyrate_calc_s = 1;          // length of one measurement
  double duration_s = 0.0;           // 0: until SIGINT / SIGTERM (live/stop_signal.hpp)
};

struct CaptureResult {
  std::int64_t records = 0;
  std::string path;
  bool stopped_by_signal = false;
};

// Runs the capture (installs the stop handlers). Errors: InputError for a URI
// listed twice (same host) or an unknown --domain, EnvironmentError when a host
// cannot be reached or goes away. When a host goes away mid-capture the whole
// lines recorded so far are kept (`note` says so) before the error is rethrown;
// when nothing was recorded no file is left behind.
CaptureResult capture_trace(const CaptureSettings& s,
                            const std::function<void(const std::string&)>& note);

}  // namespace migsim::live
