#include "traces/synthetic_trace.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "sim/rng.hpp"
#include "traces/atomic_file.hpp"

namespace migsim::traces {

std::vector<sim::UtilizationSeries> generate_synthetic_traces(const SyntheticTraceOptions& o) {
  const sim::RngStreams streams(o.seed);
  std::vector<sim::UtilizationSeries> out;
  out.reserve(static_cast<std::size_t>(o.vms));
  constexpr double kPi = 3.14159265358979323846;
  for (int i = 0; i < o.vms; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "synthetic-vm-%05d", i);
    sim::Rng rng = streams.stream(std::string(name));
    // Per-VM character: a log-normal base level, a daily swing, AR(1) noise, bursts.
    const double base = std::min(0.6, std::exp(rng.normal(std::log(0.06), 0.9)));
    const double swing = base * rng.uniform(0.0, 0.8);
    const double phase = rng.uniform(0.0, 2 * kPi);
    const double noise = base * rng.uniform(0.1, 0.6);
    const double burst_rate = rng.uniform(0.0, 0.03);
    double ar = 0;
    std::vector<double> values(static_cast<std::size_t>(o.samples));
    double burst_left = 0, burst_level = 0;
    for (int k = 0; k < o.samples; ++k) {
      const double day_frac = k * o.interval_s / 86400.0;
      ar = 0.8 * ar + rng.normal(0.0, noise);
      if (burst_left <= 0 && rng.uniform() < burst_rate) {
        burst_left = 1 + static_cast<double>(rng.below(12));
        burst_level = rng.uniform(0.3, 1.0);
      }
      double u = base + swing * std::sin(2 * kPi * day_frac + phase) + ar;
      if (burst_left > 0) {
        u = std::max(u, burst_level);
        burst_left -= 1;
      }
      u = std::clamp(u, 0.0, 1.0);
      values[static_cast<std::size_t>(k)] = std::round(u * 100.0) / 100.0;
    }
    out.emplace_back(name, o.interval_s, std::move(values));
  }
  return out;
}

void write_planetlab_dir(const std::string& dir, const std::vector<sim::UtilizationSeries>& traces) {
  std::filesystem::create_directories(dir);
  for (const auto& t : traces) {
    std::string text;
    for (double v : t.samples()) text += std::to_string(static_cast<int>(std::lround(v * 100))) + "\n";
    write_file_atomically((std::filesystem::path(dir) / t.name()).string(), text);
  }
}

}  // namespace migsim::traces
