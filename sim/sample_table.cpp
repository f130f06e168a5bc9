#include "sim/sample_table.hpp"

#include <array>
#include <bit>
#include <cmath>

namespace migsim::sim {

namespace {

// p / 100.0 for p = 0..100, computed with the expression the readers use.
const std::array<double, 101> kPercent = [] {
  std::array<double, 101> t{};
  for (int p = 0; p <= 100; ++p) t[static_cast<std::size_t>(p)] = static_cast<double>(p) / 100.0;
  return t;
}();

// The percent p whose p / 100.0 is bit for bit `v`, or -1.
int exact_percent(double v) {
  if (!(v >= 0.0 && v <= 1.0)) return -1;
  const long p = std::lround(v * 100.0);
  if (p < 0 || p > 100) return -1;
  const double back = kPercent[static_cast<std::size_t>(p)];
  return std::bit_cast<std::uint64_t>(back) == std::bit_cast<std::uint64_t>(v) ? static_cast<int>(p) : -1;
}

}  // namespace

double SampleTable::percent_value(std::uint8_t p) { return kPercent[p]; }

SampleTable::SampleTable(std::vector<double> samples) : samples_(std::move(samples)) {
  std::vector<std::uint8_t> percent;
  percent.reserve(samples_.size());
  for (double v : samples_) {
    const int p = exact_percent(v);
    if (p < 0) {
      samples_.shrink_to_fit();
      return;  // keep the doubles
    }
    percent.push_back(static_cast<std::uint8_t>(p));
  }
  percent_ = std::move(percent);
  std::vector<double>().swap(samples_);
}

std::vector<double> SampleTable::to_vector() const {
  if (!compact()) return samples_;
  std::vector<double> out;
  out.reserve(percent_.size());
  for (std::uint8_t p : percent_) out.push_back(percent_value(p));
  return out;
}

}  // namespace migsim::sim
