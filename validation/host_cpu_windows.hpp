#pragma once
// The whole host's CPU use per time window of a web run (the dataset's windows[].host_cpu_pct):
// /proc/stat's aggregate "cpu" line sampled as the harness loop goes (every ~50 ms), turned
// into the busy share of all CPUs over each window.
#include <cstddef>
#include <optional>
#include <vector>

namespace migsim::validation {

struct CpuSample {
  double t_s = 0;       // on the caller's axis (load time)
  double busy_s = 0;    // user+nice+system+irq+softirq+steal, all CPUs, seconds since boot
  double total_s = 0;   // busy + idle + iowait
};

// Reads /proc/stat now; nullopt when unreadable.
std::optional<CpuSample> read_host_cpu(double t_s);

// Busy percent of the host (0..100 = all CPUs) for windows [k·w, (k+1)·w), k < n: the change
// between the last sample at or before the window's start and the first at or after its end
// (so a window is covered by a slightly wider span when the samples do not fall on its
// edges); nullopt where no sample brackets the window. `samples` in time order.
std::vector<std::optional<double>> host_cpu_windows(const std::vector<CpuSample>& samples, double window_s,
                                                     std::size_t n);

}  // namespace migsim::validation
