#pragma once
#include <string>
#include <vector>

namespace migsim::sim {

// A VM's CPU demand over time: fractions of the VM's MIPS sampled every
// `interval_s` seconds from t = 0. Any interval works (PlanetLab uses 300 s,
// a libvirt capture uses its own period). Between samples the value is
// interpolated linearly exactly as CloudSim 3.0.3's
// UtilizationModelPlanetLabInMemory does (same floating-point operations);
// past the last sample the last value holds.
class UtilizationSeries {
 public:
  UtilizationSeries() = default;
  UtilizationSeries(std::string name, double interval_s, std::vector<double> samples);

  const std::string& name() const { return name_; }
  double interval_s() const { return interval_s_; }
  std::size_t size() const { return samples_.size(); }  // samples given (without the copy)
  const std::vector<double>& samples() const { return samples_; }
  double at(double t) const;

 private:
  double sample(long long i) const;
  std::string name_;
  double interval_s_ = 300.0;
  std::vector<double> samples_;
};

}  // namespace migsim::sim
