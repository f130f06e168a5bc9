// ForeignCpuMeter: CPU used by processes other than the ones under test.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
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
  const ForeignCpuMeter with({spinner});
  const ForeignCpuMeter without({});
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  const double listed = with.cores();
  const double unlisted = without.cores();
  stop(spinner);
  // Whatever else runs on the host is in both; the spinner only in the second.
  EXPECT_GT(unlisted - listed, 0.3);
  EXPECT_GE(listed, 0.0);
}

}  // namespace
}  // namespace migsim::validation
