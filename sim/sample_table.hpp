#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace migsim::sim {

// Demand samples held in memory as compactly as is exact: one byte per sample
// when every sample is, bit for bit, an integer percent p / 100.0 (p = 0..100:
// PlanetLab traces, which the reader divides by 100.0, and the synthetic
// traces), converted back with the same p / 100.0; the doubles otherwise (a
// libvirt capture, hand-made fractions).
class SampleTable {
 public:
  SampleTable() = default;
  explicit SampleTable(std::vector<double> samples);

  std::size_t size() const { return compact() ? percent_.size() : samples_.size(); }
  bool empty() const { return size() == 0; }
  double operator[](std::size_t i) const { return compact() ? percent_value(percent_[i]) : samples_[i]; }
  std::vector<double> to_vector() const;

  // True if the samples are stored as one-byte integer percent.
  bool compact() const { return !percent_.empty(); }
  // Heap bytes held by the samples.
  std::size_t bytes() const { return percent_.capacity() + samples_.capacity() * sizeof(double); }
  // The double an integer percent stands for: exactly p / 100.0 (p <= 100).
  static double percent_value(std::uint8_t p);

 private:
  std::vector<double> samples_;        // when not every sample is an integer percent
  std::vector<std::uint8_t> percent_;  // otherwise
};

}  // namespace migsim::sim
