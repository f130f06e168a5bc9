#pragma once
#include <cstddef>
#include <memory>

namespace migsim::sim {

// A VM's demand samples produced on demand, in order: a seeded generator or a
// file read piece by piece, so that a long trace never sits in memory whole.
// UtilizationSeries reads one through a cursor (sim/utilization_series.hpp).
class SampleSource {
 public:
  virtual ~SampleSource() = default;
  // Samples in all (> 0).
  virtual std::size_t size() const = 0;
  // The next sample: the first after construction or rewind(), then each in
  // turn. Not called more than size() times between rewinds.
  virtual double next() = 0;
  // Back to the first sample.
  virtual void rewind() = 0;
  // An independent copy at the same position.
  virtual std::unique_ptr<SampleSource> clone() const = 0;
  // Memory held (the object and what it owns), in bytes.
  virtual std::size_t bytes() const = 0;
};

}  // namespace migsim::sim
