#include "sim/utilization_series.hpp"

#include <cmath>
#include <stdexcept>

namespace migsim::sim {

UtilizationSeries::UtilizationSeries(std::string name, double interval_s,
                                     std::vector<double> samples)
    : name_(std::move(name)), interval_s_(interval_s), samples_(std::move(samples)) {
  if (!(interval_s_ > 0)) throw std::invalid_argument("UtilizationSeries: interval must be > 0");
  if (samples_.empty()) throw std::invalid_argument("UtilizationSeries: no samples");
}

double UtilizationSeries::sample(long long i) const {
  if (i < 0) return samples_.front();
  if (i >= static_cast<long long>(samples_.size())) return samples_.back();
  return samples_[static_cast<std::size_t>(i)];
}

double UtilizationSeries::at(double time) const {
  const double si = interval_s_;
  const double q = time / si;
  // floor/ceil of q (q >= 0 here, so truncation is floor).
  const long long t1 = q >= 0 ? static_cast<long long>(q) : static_cast<long long>(std::floor(q));
  const long long t2 = static_cast<double>(t1) == q ? t1 : t1 + 1;
  // fmod(t, si) == 0 implies t / si is an integer: the cheap test first.
  if (t1 == t2 && std::fmod(time, si) == 0) return sample(t1);
  const double u1 = sample(t1);
  const double u2 = sample(t2);
  const double delta = (u2 - u1) / (static_cast<double>(t2 - t1) * si);
  return u1 + delta * (time - static_cast<double>(t1) * si);
}

}  // namespace migsim::sim
