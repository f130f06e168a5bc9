#pragma once
#include <memory>
#include <string>
#include <vector>

#include "sim/sample_source.hpp"
#include "sim/sample_table.hpp"

namespace migsim::sim {

// A VM's CPU demand over time: fractions of the VM's MIPS sampled every
// `interval_s` seconds from t = 0. Any interval works (PlanetLab uses 300 s,
// a libvirt capture uses its own period). Between samples the value is
// interpolated linearly exactly as CloudSim 3.0.3's
// UtilizationModelPlanetLabInMemory does (same floating-point operations);
// past the last sample the last value holds.
//
// The samples are either in memory (a SampleTable: one byte per sample when
// they are integer percent) or streamed from a SampleSource (a seeded
// generator, a long trace file read piece by piece), of which only the two
// samples around the last time asked for are kept: reading forward in time, as
// the engine does, reads each sample once; asking for an earlier window
// rewinds the source and reads it again from the start. Both give the same
// doubles. A streamed series has a cursor, so one object must not be read from
// two threads at once (copies are independent).
class UtilizationSeries {
 public:
  UtilizationSeries() = default;
  UtilizationSeries(std::string name, double interval_s, std::vector<double> samples);
  UtilizationSeries(std::string name, double interval_s, std::unique_ptr<SampleSource> source);
  UtilizationSeries(const UtilizationSeries& o);
  UtilizationSeries& operator=(const UtilizationSeries& o);
  UtilizationSeries(UtilizationSeries&&) noexcept = default;
  UtilizationSeries& operator=(UtilizationSeries&&) noexcept = default;
  ~UtilizationSeries() = default;

  const std::string& name() const { return name_; }
  double interval_s() const { return interval_s_; }
  std::size_t size() const { return size_; }  // samples given (without the copy)
  // All the samples as doubles (from the table, or read from the source's
  // start): for writing a trace out and for tests.
  std::vector<double> samples() const;
  double at(double t) const;

  // True if the samples are in memory as one-byte integer percent.
  bool compact() const { return table_.compact(); }
  // True if the samples come from a SampleSource.
  bool streamed() const { return source_ != nullptr; }
  // Heap bytes held by the samples (the table, or the source).
  std::size_t sample_bytes() const { return table_.bytes() + (source_ ? source_->bytes() : 0); }

 private:
  double streamed_sample(std::size_t i) const;
  double sample(long long i) const;
  std::string name_;
  double interval_s_ = 300.0;
  std::size_t size_ = 0;
  SampleTable table_;
  std::unique_ptr<SampleSource> source_;
  // Streamed: samples next_ - 2 and next_ - 1 (the last two read).
  mutable std::size_t next_ = 0;
  mutable double before_last_ = 0, last_ = 0;
};

}  // namespace migsim::sim
