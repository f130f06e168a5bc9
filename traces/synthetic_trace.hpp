#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/utilization_series.hpp"

namespace migsim::traces {

// Seeded synthetic VM CPU traces shaped like the PlanetLab days (mostly low
// utilisation, median ~6 %, a long tail, daily swings, bursts): integer
// percentages every `interval_s`. The same seed gives the same traces on any
// platform (sim::Rng, one stream per VM name). The series are streamed: each
// VM's samples are generated from its stream as the simulation reaches them
// (a few dozen bytes per VM whatever the duration), never all held at once.
struct SyntheticTraceOptions {
  int vms = 100;
  int samples = 288;
  double interval_s = 300.0;
  std::uint64_t seed = 1;
};

std::vector<sim::UtilizationSeries> generate_synthetic_traces(const SyntheticTraceOptions& o);

// Writes them as a PlanetLab-style directory (one file per VM), atomically per file.
void write_planetlab_dir(const std::string& dir, const std::vector<sim::UtilizationSeries>& traces);

}  // namespace migsim::traces
