#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "sim/rng.hpp"
#include "sim/utilization_series.hpp"
#include "traces/planetlab_reader.hpp"
#include "traces/synthetic_trace.hpp"

using namespace migsim;
using sim::UtilizationSeries;

namespace {

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

// The times the engine asks for: processing instants (CloudSim's 0.1 s offset
// included) and migration milestones in between, non-decreasing.
std::vector<double> engine_like_times(int samples, double interval) {
  std::vector<double> t;
  sim::Rng rng(3);
  for (int k = 0; k < samples + 2; ++k) {
    t.push_back(k * interval);
    t.push_back(k * interval + 0.1);
    double m = k * interval + 0.1;
    for (int j = 0; j < 3; ++j) {
      m += rng.uniform(0.0, interval / 3);
      t.push_back(m);
    }
  }
  std::sort(t.begin(), t.end());
  return t;
}

// The synthetic generator as it was before it streamed (all samples up front),
// kept here as the reference the streamed one must match bit for bit.
std::vector<std::vector<double>> upfront_synthetic(const traces::SyntheticTraceOptions& o) {
  const sim::RngStreams streams(o.seed);
  std::vector<std::vector<double>> out;
  constexpr double kPi = 3.14159265358979323846;
  for (int i = 0; i < o.vms; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "synthetic-vm-%05d", i);
    sim::Rng rng = streams.stream(std::string(name));
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
    out.push_back(std::move(values));
  }
  return out;
}

}  // namespace

// A PlanetLab file (integer percent) is stored as one byte per sample and
// gives back, bit for bit, the doubles the reader computed (percent / 100.0).
TEST(UtilizationSeries, PlanetLabPercentRoundTripsExactly) {
  std::string text;
  std::vector<double> expected;
  for (int i = 0; i < 288; ++i) {
    const int p = (i * 37) % 101;  // every percent 0..100 appears
    text += std::to_string(p) + "\n";
    expected.push_back(std::strtod(std::to_string(p).c_str(), nullptr) / 100.0);
  }
  const UtilizationSeries s = traces::parse_planetlab_file("node", text);
  EXPECT_TRUE(s.compact());
  EXPECT_FALSE(s.streamed());
  EXPECT_EQ(s.size(), 288u);
  EXPECT_LE(s.sample_bytes(), 288u);
  const std::vector<double> back = s.samples();
  ASSERT_EQ(back.size(), expected.size());
  for (std::size_t i = 0; i < back.size(); ++i) EXPECT_TRUE(same_bits(back[i], expected[i])) << i;
  for (int p = 0; p <= 100; ++p) {
    EXPECT_TRUE(same_bits(sim::SampleTable::percent_value(static_cast<std::uint8_t>(p)), p / 100.0)) << p;
  }
  // Interpolation reads the same values as from the doubles.
  std::vector<double> with_fraction = expected;
  with_fraction.push_back(0.123);  // not a percent: this one keeps doubles
  const UtilizationSeries d("node", 300, with_fraction);
  EXPECT_FALSE(d.compact());
  for (double t : engine_like_times(285, 300)) EXPECT_TRUE(same_bits(s.at(t), d.at(t))) << t;
  for (int k = 0; k < 287; ++k) EXPECT_TRUE(same_bits(s.at(k * 300.0), expected[static_cast<std::size_t>(k)]));
  EXPECT_TRUE(same_bits(s.at(1e9), expected.back()));  // past the end the last value holds

  // Integer lines are read without strtod: same bits as strtod for padded,
  // zero-led and decimal spellings.
  const std::vector<std::string> spellings{"007", " 7\r", "\t7 ", "7.0", "+7", "07.00", "100", "0", "000"};
  std::string odd;
  for (const std::string& line : spellings) odd += line + "\n";
  traces::PlanetLabOptions o;
  o.samples = static_cast<int>(spellings.size());
  const std::vector<double> got = traces::parse_planetlab_file("node", odd, o).samples();
  const double want[] = {7, 7, 7, 7, 7, 7, 100, 0, 0};
  for (std::size_t i = 0; i < spellings.size(); ++i) {
    EXPECT_TRUE(same_bits(got[i], want[i] / 100.0)) << spellings[i];
  }
}

// Anything that is not exactly an integer percent keeps its doubles.
TEST(UtilizationSeries, NonIntegerPercentFallsBackToDoubles) {
  const std::vector<double> fractions{0.5, 0.075, 1.0};
  const UtilizationSeries a("capture", 10, fractions);
  EXPECT_FALSE(a.compact());
  EXPECT_EQ(a.samples(), fractions);
  EXPECT_EQ(a.sample_bytes(), 3 * sizeof(double));
  EXPECT_DOUBLE_EQ(a.at(5), 0.2875);
  EXPECT_DOUBLE_EQ(a.at(15), 0.5375);

  std::string text;
  for (int i = 0; i < 288; ++i) text += i == 100 ? "7.5\n" : "7\n";
  const UtilizationSeries b = traces::parse_planetlab_file("node", text);
  EXPECT_FALSE(b.compact());
  EXPECT_TRUE(same_bits(b.samples()[100], 0.075));
  EXPECT_TRUE(same_bits(b.samples()[0], 7.0 / 100.0));

  // Near a percent but not bit for bit one, negative zero, over 100 %, NaN.
  for (double v : {0.07 + 1e-17 + 1e-16, -0.0, 1.01, 2.0, -0.01, std::nan("")}) {
    const UtilizationSeries c("odd", 300, {0.5, v});
    EXPECT_FALSE(c.compact()) << v;
    EXPECT_EQ(std::bit_cast<std::uint64_t>(c.samples()[1]), std::bit_cast<std::uint64_t>(v)) << v;
  }
}

// The synthetic traces are generated as they are read: exactly the doubles the
// former all-up-front generator made, integer percent, in a few dozen bytes
// per VM whatever the duration.
TEST(UtilizationSeries, SyntheticTracesStreamTheUpFrontGeneratorsValues) {
  traces::SyntheticTraceOptions o;
  o.vms = 40;
  o.samples = 30 * 288;
  o.seed = 7;
  const auto streamed = traces::generate_synthetic_traces(o);
  const auto reference = upfront_synthetic(o);
  ASSERT_EQ(streamed.size(), reference.size());
  for (std::size_t i = 0; i < streamed.size(); ++i) {
    const UtilizationSeries& s = streamed[i];
    EXPECT_TRUE(s.streamed()) << s.name();
    EXPECT_EQ(s.size(), reference[i].size());
    const std::vector<double> v = s.samples();
    ASSERT_EQ(v.size(), reference[i].size());
    for (std::size_t k = 0; k < v.size(); ++k) {
      ASSERT_TRUE(same_bits(v[k], reference[i][k])) << s.name() << " sample " << k;
      const long p = std::lround(v[k] * 100);
      ASSERT_TRUE(same_bits(v[k], static_cast<double>(p) / 100.0)) << s.name() << " sample " << k;
    }
  }
  o.samples = 288;
  const std::size_t one_day = traces::generate_synthetic_traces(o).front().sample_bytes();
  EXPECT_EQ(streamed.front().sample_bytes(), one_day);  // independent of the duration
  EXPECT_LE(one_day, 200u);
}

// A streamed series answers at(t) bit for bit as the in-memory (compact) one
// holding the same samples: forward in time as the engine reads, after a jump
// back (the source rewinds), past the end, and from a copy taken midway.
TEST(UtilizationSeries, StreamedEqualsInMemory) {
  traces::SyntheticTraceOptions o;
  o.vms = 20;
  o.samples = 3 * 288;
  o.seed = 11;
  auto streamed = traces::generate_synthetic_traces(o);
  const std::vector<double> times = engine_like_times(o.samples, o.interval_s);
  for (UtilizationSeries& s : streamed) {
    const UtilizationSeries table(s.name(), s.interval_s(), s.samples());
    ASSERT_TRUE(table.compact());
    ASSERT_FALSE(table.streamed());
    for (std::size_t j = 0; j < times.size(); ++j) {
      ASSERT_TRUE(same_bits(s.at(times[j]), table.at(times[j]))) << s.name() << " t=" << times[j];
      if (j == times.size() / 2) {
        const UtilizationSeries copy = s;  // an independent cursor at the same place
        for (std::size_t k = j; k < std::min(times.size(), j + 50); ++k) {
          ASSERT_TRUE(same_bits(copy.at(times[k]), table.at(times[k]))) << "copy t=" << times[k];
        }
      }
    }
    for (double t : {150.0, 0.0, 86400.5, 1e9, 299.9, 300.0}) {  // back and forth
      ASSERT_TRUE(same_bits(s.at(t), table.at(t))) << s.name() << " t=" << t;
    }
  }
}

// What a VM's demand costs in memory: a PlanetLab day one byte per sample, a
// synthetic trace of 30 days as little as one of a day.
TEST(UtilizationSeries, BytesPerVmBounded) {
  EXPECT_LE(sizeof(UtilizationSeries), 160u);
  std::string text;
  for (int i = 0; i < 288; ++i) text += std::to_string(i % 60) + "\n";
  EXPECT_EQ(traces::parse_planetlab_file("node", text).sample_bytes(), 288u);
  traces::SyntheticTraceOptions o;
  o.vms = 3;
  o.samples = 30 * 288;
  for (const auto& s : traces::generate_synthetic_traces(o)) {
    EXPECT_LE(sizeof(UtilizationSeries) + s.sample_bytes() + s.name().capacity(), 400u) << s.name();
  }
}
