#pragma once
#include <string>
#include <vector>

#include "sim/utilization_series.hpp"

namespace migsim::traces {

// One PlanetLab day (../shared/traces/planetlab/<YYYYMMDD>/): one file per VM,
// one integer CPU percentage per line, 288 lines at 300 s. Files are taken
// sorted by name (byte order), hidden files skipped; names may contain spaces.
// Each series holds the samples as fractions (value / 100).
struct PlanetLabOptions {
  int samples = 288;          // lines read per file (more lines are ignored)
  double interval_s = 300.0;
};

// Throws InputError naming the directory, file and line for: a missing or
// empty directory, a line that is not a number in [0, 100], a file with fewer
// than `samples` lines.
std::vector<sim::UtilizationSeries> read_planetlab_day(const std::string& dir,
                                                       const PlanetLabOptions& o = {});

// Parses one file's text (exposed for tests); `path` only names errors.
sim::UtilizationSeries parse_planetlab_file(const std::string& path, const std::string& text,
                                            const PlanetLabOptions& o = {});

}  // namespace migsim::traces
