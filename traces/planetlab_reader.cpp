#include "traces/planetlab_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/input_error.hpp"

namespace migsim::traces {

namespace fs = std::filesystem;

sim::UtilizationSeries parse_planetlab_file(const std::string& path, const std::string& text,
                                            const PlanetLabOptions& o) {
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(o.samples));
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < text.size() && static_cast<int>(values.size()) < o.samples) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    std::size_t first = line.find_first_not_of(" \t");
    line = first == std::string::npos ? "" : line.substr(first);
    const char* s = line.c_str();
    char* stop = nullptr;
    errno = 0;
    const double v = line.empty() ? 0.0 : std::strtod(s, &stop);
    if (line.empty() || stop == s || *stop != '\0' || errno != 0 || !std::isfinite(v) || v < 0 ||
        v > 100) {
      throw InputError(path + ":" + std::to_string(line_no) +
                       ": expected a CPU utilisation in percent (a number from 0 to 100), got '" +
                       line.substr(0, 40) + "'");
    }
    values.push_back(v / 100.0);
  }
  if (static_cast<int>(values.size()) < o.samples) {
    throw InputError(path + ": has " + std::to_string(values.size()) + " samples, expected " +
                     std::to_string(o.samples) + " (one line per " +
                     std::to_string(static_cast<int>(o.interval_s)) + " s)");
  }
  return sim::UtilizationSeries(fs::path(path).filename().string(), o.interval_s, std::move(values));
}

std::vector<sim::UtilizationSeries> read_planetlab_day(const std::string& dir, const PlanetLabOptions& o) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    const bool exists = fs::exists(dir, ec);
    throw InputError(dir + (exists ? ": is not a directory" : ": trace directory does not exist") +
                     " (expected a directory with one file per VM, e.g. ../shared/traces/planetlab/20110303)");
  }
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    if (!e.is_regular_file()) continue;
    names.push_back(name);
  }
  if (ec) throw InputError(dir + ": cannot list trace directory: " + ec.message());
  if (names.empty()) throw InputError(dir + ": trace directory contains no trace files");
  std::sort(names.begin(), names.end());
  std::vector<sim::UtilizationSeries> out;
  out.reserve(names.size());
  for (const auto& name : names) {
    const std::string path = (fs::path(dir) / name).string();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open trace file");
    std::ostringstream ss;
    ss << in.rdbuf();
    out.push_back(parse_planetlab_file(path, ss.str(), o));
  }
  return out;
}

}  // namespace migsim::traces
