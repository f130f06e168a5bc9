#include "traces/synthetic_trace.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "sim/rng.hpp"
#include "sim/sample_source.hpp"
#include "traces/atomic_file.hpp"

namespace migsim::traces {

namespace {

constexpr double kPi = 3.14159265358979323846;

// One VM's trace generated sample by sample from its random stream: the
// per-VM character is drawn once, then each next() advances the AR(1) noise and
// the bursts by one step. Holds a few dozen bytes whatever the trace's length.
class SyntheticVmSource final : public sim::SampleSource {
 public:
  SyntheticVmSource(sim::Rng rng, int samples, double interval_s) : samples_(samples), interval_s_(interval_s) {
    // Per-VM character: a log-normal base level, a daily swing, AR(1) noise, bursts.
    base_ = std::min(0.6, std::exp(rng.normal(std::log(0.06), 0.9)));
    swing_ = base_ * rng.uniform(0.0, 0.8);
    phase_ = rng.uniform(0.0, 2 * kPi);
    noise_ = base_ * rng.uniform(0.1, 0.6);
    burst_rate_ = rng.uniform(0.0, 0.03);
    start_ = rng;
    rewind();
  }

  std::size_t size() const override { return static_cast<std::size_t>(samples_); }

  double next() override {
    const double day_frac = k_ * interval_s_ / 86400.0;
    ar_ = 0.8 * ar_ + rng_.normal(0.0, noise_);
    if (burst_left_ <= 0 && rng_.uniform() < burst_rate_) {
      burst_left_ = 1 + static_cast<double>(rng_.below(12));
      burst_level_ = rng_.uniform(0.3, 1.0);
    }
    double u = base_ + swing_ * std::sin(2 * kPi * day_frac + phase_) + ar_;
    if (burst_left_ > 0) {
      u = std::max(u, burst_level_);
      burst_left_ -= 1;
    }
    u = std::clamp(u, 0.0, 1.0);
    ++k_;
    return std::round(u * 100.0) / 100.0;
  }

  void rewind() override {
    rng_ = start_;
    k_ = 0;
    ar_ = 0;
    burst_left_ = 0;
    burst_level_ = 0;
  }

  std::unique_ptr<sim::SampleSource> clone() const override { return std::make_unique<SyntheticVmSource>(*this); }
  std::size_t bytes() const override { return sizeof(*this); }

 private:
  int samples_;
  double interval_s_;
  double base_ = 0, swing_ = 0, phase_ = 0, noise_ = 0, burst_rate_ = 0;
  sim::Rng start_{0};  // the stream after the character was drawn
  sim::Rng rng_{0};
  int k_ = 0;
  double ar_ = 0, burst_left_ = 0, burst_level_ = 0;
};

}  // namespace

std::vector<sim::UtilizationSeries> generate_synthetic_traces(const SyntheticTraceOptions& o) {
  const sim::RngStreams streams(o.seed);
  std::vector<sim::UtilizationSeries> out;
  out.reserve(static_cast<std::size_t>(o.vms));
  for (int i = 0; i < o.vms; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "synthetic-vm-%05d", i);
    out.emplace_back(name, o.interval_s,
                     std::make_unique<SyntheticVmSource>(streams.stream(std::string(name)), o.samples, o.interval_s));
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
