#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace migsim::validation {

// How much CPU the rest of the host used while a migration ran: the host's busy
// CPU time (/proc/stat) minus the time of the processes under test (the two
// QEMUs and this harness, /proc/PID/stat), divided by the elapsed time. The
// unit is cores: 0 on a quiet host, 1.0 when another process kept one core busy.
// Recorded timings are only as good as this is small (the QEMUs' threads and the
// copy compete for the same cores).
// Above this many foreign cores a recording is flagged as made on a busy host.
inline constexpr double kBusyHostCores = 0.25;

// The line a runner prints when `cores` is over kBusyHostCores, e.g. "WARNING: other
// processes used 0.4 cores during this batch: its timings measure a busy host"
// (`during` = "this batch"); empty when the host was quiet enough.
std::string busy_host_warning(double cores, const std::string& during);

class ForeignCpuMeter {
 public:
  // Starts measuring; `pids` are the processes under test (getpid() is added).
  explicit ForeignCpuMeter(std::vector<pid_t> pids);
  // Cores used by other processes since construction; -1 when /proc is unreadable.
  double cores() const;

 private:
  std::vector<pid_t> pids_;
  double t0_s_ = 0;
  double host_busy0_s_ = 0;
  double tested0_s_ = 0;
};

}  // namespace migsim::validation
