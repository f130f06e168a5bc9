// ForeignCpuMeter: CPU used by processes other than the ones under test.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "validation/foreign_cpu_meter.hpp"
#include "validation/monotonic_clock.hpp"

namespace migsim::validation {
namespace {

// A child that spins until killed.
pid_t start_spinner() {
  const pid_t pid = ::fork();
  if (pid == 0) {
    volatile unsigned long x = 0;
    for (;;) x = x + 1;
  }
  return pid;
}

// CPU seconds (user + system) a process has used, from /proc/PID/stat; -1 if unreadable.
double process_cpu_s(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return -1;
  const auto paren = line.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream rest(line.substr(paren + 2));
  std::string field;
  double utime = 0, stime = 0;
  // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
  for (int f = 3; f <= 15 && rest >> field; ++f) {
    if (f == 14) utime = std::stod(field);
    if (f == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void stop(pid_t pid) {
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

TEST(ForeignCpuMeter, CountsABusyProcessNotUnderTest) {
  const pid_t spinner = start_spinner();
  ASSERT_GT(spinner, 0);
  const ForeignCpuMeter meter({});
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  const double cores = meter.cores();
  stop(spinner);
  // The spinner keeps (nearly) one core busy; other tests running in parallel only add.
  EXPECT_GT(cores, 0.3);
}

TEST(ForeignCpuMeter, LeavesOutTheProcessesUnderTest) {
  const pid_t spinner = start_spinner();
  ASSERT_GT(spinner, 0);
  const double spun0 = process_cpu_s(spinner);
  const double t0 = monotonic_s();
  const ForeignCpuMeter with({spinner});
  const ForeignCpuMeter without({});
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  const double listed = with.cores();
  const double unlisted = without.cores();
  const double spun = (process_cpu_s(spinner) - spun0) / (monotonic_s() - t0);
  stop(spinner);
  ASSERT_GE(spun0, 0.0) << "/proc/PID/stat unreadable";
  // Whatever else runs on the host is in both; the spinner only in the second,
  // with the share of a core it actually got (less than one on a loaded host).
  if (spun < 0.1) GTEST_SKIP() << "the spinner got only " << spun << " of a core: the host is too busy to tell";
  EXPECT_NEAR(unlisted - listed, spun, 0.15) << "listed " << listed << ", unlisted " << unlisted;
  EXPECT_GE(listed, 0.0);
}

TEST(ForeignCpuMeter, BusyHostWarningOnlyAboveTheLimit) {
  EXPECT_EQ(busy_host_warning(0.25, "this run"), "");
  EXPECT_EQ(busy_host_warning(-1.0, "this run"), "");  // /proc unreadable: nothing to say
  EXPECT_EQ(busy_host_warning(0.456, "this batch"),
            "WARNING: other processes used 0.46 cores during this batch: its timings measure a busy host");
}

}  // namespace
}  // namespace migsim::validation
