#pragma once
#include <string>
#include <vector>

#include "sim/utilization_series.hpp"

namespace migsim::traces {

// One PlanetLab day (../shared/traces/planetlab/<YYYYMMDD>/): one file per VM,
// one integer CPU percentage per line, 288 lines at 300 s. Files are taken
// sorted by name (byte order), hidden files skipped; names may contain spaces.
// Each series holds the samples as fractions (value / 100).
//
// Every file is checked whole up front, one at a time. A file of at most
// `chunk_samples` samples (a PlanetLab day) is then held in memory (one byte
// per sample); a longer one (a PlanetLab-style file of many days) is streamed:
// its series keeps `chunk_samples` samples and reads the next ones from the
// file as the simulation reaches them, so that a long trace of many VMs never
// sits in memory whole. Both give the same values.
struct PlanetLabOptions {
  int samples = 288;          // lines read per file (more lines are ignored)
  double interval_s = 300.0;
  int chunk_samples = 288;    // samples held in memory per streamed file
};

// Throws InputError naming the directory, file and line for: a missing or
// empty directory, a line that is not a number in [0, 100], a file with fewer
// than `samples` lines.
std::vector<sim::UtilizationSeries> read_planetlab_day(const std::string& dir,
                                                       const PlanetLabOptions& o = {});

// Parses one file's text, held in memory whole (exposed for tests); `path`
// only names errors.
sim::UtilizationSeries parse_planetlab_file(const std::string& path, const std::string& text,
                                            const PlanetLabOptions& o = {});

}  // namespace migsim::traces
