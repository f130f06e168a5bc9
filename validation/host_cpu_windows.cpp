#include "validation/host_cpu_windows.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace migsim::validation {

std::optional<CpuSample> read_host_cpu(double t_s) {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, sys = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (!(in >> cpu >> user >> nice >> sys >> idle >> iowait >> irq >> softirq >> steal) || cpu != "cpu") {
    return std::nullopt;
  }
  const long t = ::sysconf(_SC_CLK_TCK);
  const double hz = t > 0 ? static_cast<double>(t) : 100.0;
  CpuSample s;
  s.t_s = t_s;
  s.busy_s = (user + nice + sys + irq + softirq + steal) / hz;
  s.total_s = s.busy_s + (idle + iowait) / hz;
  return s;
}

std::vector<std::optional<double>> host_cpu_windows(const std::vector<CpuSample>& samples, double window_s,
                                                     std::size_t n) {
  std::vector<std::optional<double>> out(n);
  if (samples.size() < 2 || !(window_s > 0)) return out;
  for (std::size_t k = 0; k < n; ++k) {
    const double a = static_cast<double>(k) * window_s, b = a + window_s;
    // Last sample at or before a, first at or after b (a tiny slack for float window edges).
    const auto after_a = std::upper_bound(samples.begin(), samples.end(), a + 1e-9,
                                          [](double t, const CpuSample& s) { return t < s.t_s; });
    if (after_a == samples.begin()) continue;
    const CpuSample& s0 = *(after_a - 1);
    const auto at_b = std::lower_bound(samples.begin(), samples.end(), b - 1e-9,
                                       [](const CpuSample& s, double t) { return s.t_s < t; });
    if (at_b == samples.end()) continue;
    const CpuSample& s1 = *at_b;
    const double total = s1.total_s - s0.total_s;
    if (!(total > 0)) continue;
    out[k] = std::clamp(100.0 * (s1.busy_s - s0.busy_s) / total, 0.0, 100.0);
  }
  return out;
}

}  // namespace migsim::validation
