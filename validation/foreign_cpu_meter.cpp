#include "validation/foreign_cpu_meter.hpp"

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/json_input.hpp"
#include "validation/monotonic_clock.hpp"

namespace migsim::validation {

namespace {

double ticks_per_s() {
  const long t = ::sysconf(_SC_CLK_TCK);
  return t > 0 ? static_cast<double>(t) : 100.0;
}

// Busy CPU seconds of the whole host since boot, in processes (user, nice, system;
// interrupt time is left out: loopback TCP is processed there, on the QEMUs' behalf).
// -1 if unreadable.
double host_busy_s() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, sys = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (!(in >> cpu >> user >> nice >> sys >> idle >> iowait >> irq >> softirq >> steal) ||
      cpu != "cpu") {
    return -1;
  }
  return (user + nice + sys) / ticks_per_s();
}

// utime + stime of a process (all its threads) in seconds; 0 once it is gone.
double process_cpu_s(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  // The command name (field 2) may hold spaces: fields resume after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / ticks_per_s();
}

double tested_cpu_s(const std::vector<pid_t>& pids) {
  double s = 0;
  for (pid_t p : pids) s += process_cpu_s(p);
  return s;
}

}  // namespace

ForeignCpuMeter::ForeignCpuMeter(std::vector<pid_t> pids) : pids_(std::move(pids)) {
  pids_.push_back(::getpid());
  t0_s_ = monotonic_s();
  host_busy0_s_ = host_busy_s();
  tested0_s_ = tested_cpu_s(pids_);
}

double ForeignCpuMeter::cores() const {
  const double busy = host_busy_s();
  const double elapsed = monotonic_s() - t0_s_;
  if (busy < 0 || host_busy0_s_ < 0 || elapsed <= 0) return -1;
  const double foreign = (busy - host_busy0_s_) - (tested_cpu_s(pids_) - tested0_s_);
  return foreign > 0 ? foreign / elapsed : 0.0;
}

std::string busy_host_warning(double cores, const std::string& during) {
  if (!(cores > kBusyHostCores)) return "";
  return "WARNING: other processes used " + number_text(std::round(cores * 100) / 100) + " cores during " + during +
         ": its timings measure a busy host";
}

}  // namespace migsim::validation
