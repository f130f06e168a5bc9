#include "models/baseline_models.hpp"

#include <algorithm>
#include <cmath>

#include "models/qemu_precopy_model.hpp"

namespace migsim::models {

namespace {
// Bytes per ms the copy runs at: the rate limit, or the link when it is slower.
double copy_rate_bytes_per_ms(const MigrationScenario& sc) {
  const double link = sc.host.link_mibps;
  const double bw = sc.qemu.max_bandwidth_mibps > 0 ? std::min(sc.qemu.max_bandwidth_mibps, link)
                                                    : link;
  return bw * kMiB / 1000.0;
}
}  // namespace

Prediction CloudSimModel::predict(const MigrationScenario& sc) const {
  Prediction p;
  p.model = name();
  const double ram_bytes = sc.memory.ram_mib * kMiB;
  p.converged = true;
  p.total_time_ms = ram_bytes / (copy_rate_bytes_per_ms(sc) / 2.0);
  p.transferred_bytes = ram_bytes;
  p.normal_pages = sc.memory.ram_mib * kPagesPerMiB;
  p.dirty_syncs = 1;
  p.iterations = 1;
  return p;
}

Prediction GeometricModel::predict(const MigrationScenario& sc) const {
  Prediction p;
  p.model = name();
  const double rate = copy_rate_bytes_per_ms(sc);
  const double dirty = sc.workload.pages_per_sec * kPageBytes / 1000.0;  // bytes per ms
  const double threshold = rate * sc.qemu.downtime_limit_ms;
  const double horizon = sc.options.horizon_s * 1000.0;
  double v = sc.memory.ram_mib * kMiB;
  double t = 0.0;
  int rounds = 0;
  while (v > threshold) {
    const double round_ms = v / rate;
    if (t + round_ms > horizon || dirty >= rate) {
      p.converged = false;
      p.total_time_ms = std::min(horizon, t + round_ms);
      p.transferred_bytes += v * std::min(1.0, (p.total_time_ms - t) / round_ms);
      p.iterations = p.dirty_syncs = rounds + 1;
      return p;
    }
    t += round_ms;
    p.transferred_bytes += v;
    ++rounds;
    if (sc.options.record_iterations) {
      IterationRecord r;
      r.index = rounds;
      r.start_ms = t - round_ms;
      r.duration_ms = round_ms;
      r.dirty_pages_at_sync = v / kPageBytes;
      r.pages_sent = v / kPageBytes;
      r.bytes_sent = v;
      p.iteration_log.push_back(r);
    }
    v = dirty * round_ms;
  }
  p.converged = true;
  p.downtime_ms = v / rate;
  p.downtime_bytes = v;
  p.transferred_bytes += v;
  p.total_time_ms = t + p.downtime_ms;
  p.iterations = p.dirty_syncs = rounds + 1;
  p.normal_pages = p.transferred_bytes / kPageBytes;
  return p;
}

const char* to_string(DirtyPattern p) {
  switch (p) {
    case DirtyPattern::Sequential: return "sequential";
    case DirtyPattern::Uniform: return "uniform";
    case DirtyPattern::HotCold: return "hotcold";
  }
  return "?";
}

const char* to_string(Pacing p) { return p == Pacing::CpuTime ? "cpu" : "wall"; }

}  // namespace migsim::models
