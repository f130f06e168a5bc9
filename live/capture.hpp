#pragma once
// Records a libvirt trace (format: traces/libvirt_trace.hpp, documented in
// traces/README-libvirt-trace.md) from one or more libvirt hosts: every domain's
// stats each interval, page-sampling dirty-rate measurements, job stats while a
// domain has a job (in their own threads and connections, one per host, so a
// slow call on one side does not delay the other) and the completed job's
// stats on both sides.
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
  // A host that stops answering (libvirtd restarted, network down) is tried
  // again 1, 2, 4, ... s apart (at most reconnect_max_s) for reconnect_for_s.
  double reconnect_initial_s = 1.0;
  double reconnect_max_s = 8.0;
  double reconnect_for_s = 120.0;
};

struct CaptureResult {
  std::int64_t records = 0;
  std::string path;
  bool stopped_by_signal = false;
};

// Runs the capture (installs the stop handlers). Errors: InputError for a URI
// listed twice (same host) or an unknown --domain, EnvironmentError when a host
// cannot be reached at the start. A host that stops answering mid-capture is
// reconnected (`note` says when it is lost and back); when it is back, each
// domain it ran gets a "gap" event (detail: from_t, to_t, reason, host_back)
// so that readers know its samples are missing on purpose; one that does not
// come back within reconnect_for_s ends the capture with EnvironmentError,
// after its gap events. The whole lines recorded so far are kept (`note` says
// so) before an error is rethrown; when nothing was recorded no file is left.
CaptureResult capture_trace(const CaptureSettings& s,
                            const std::function<void(const std::string&)>& note);

}  // namespace migsim::live
