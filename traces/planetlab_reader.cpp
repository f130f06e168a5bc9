#include "traces/planetlab_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string_view>

#include "sim/input_error.hpp"
#include "sim/input_file.hpp"
#include "sim/sample_source.hpp"
#include "sim/sample_table.hpp"

namespace migsim::traces {

namespace fs = std::filesystem;

namespace {

// One line's sample (a percentage as a fraction); `line_no` counts from 1.
// An integer percent (the PlanetLab files) is read without strtod: p / 100.0
// is the double strtod would give for it divided by 100.0.
double parse_sample(const std::string& path, int line_no, std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  const std::size_t first = line.find_first_not_of(" \t");
  line = first == std::string_view::npos ? std::string_view() : line.substr(first);
  if (!line.empty() && line.size() <= 3) {
    int p = 0;
    bool digits = true;
    for (char c : line) {
      digits = digits && c >= '0' && c <= '9';
      p = p * 10 + (c - '0');
    }
    if (digits && p <= 100) return static_cast<double>(p) / 100.0;
  }
  const std::string text(line);
  const char* s = text.c_str();
  char* stop = nullptr;
  errno = 0;
  const double v = text.empty() ? 0.0 : std::strtod(s, &stop);
  if (text.empty() || stop == s || *stop != '\0' || errno != 0 || !std::isfinite(v) || v < 0 || v > 100) {
    throw InputError(path + ":" + std::to_string(line_no) +
                     ": expected a CPU utilisation in percent (a number from 0 to 100), got '" +
                     text.substr(0, 40) + "'");
  }
  return v / 100.0;
}

InputError too_short(const std::string& path, std::size_t found, const PlanetLabOptions& o) {
  return InputError(path + ": has " + std::to_string(found) + " samples, expected " + std::to_string(o.samples) +
                    " (one line per " + std::to_string(static_cast<int>(o.interval_s)) + " s)");
}

// The first `o.samples` samples of a file's text, all checked. `chunk_end`
// receives the byte offset just after the line of sample number `chunk`.
std::vector<double> parse_samples(const std::string& path, const std::string& text, const PlanetLabOptions& o,
                                  std::size_t chunk = 0, std::size_t* chunk_end = nullptr) {
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(o.samples));
  std::size_t pos = 0;
  while (pos < text.size() && static_cast<int>(values.size()) < o.samples) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    values.push_back(parse_sample(path, static_cast<int>(values.size()) + 1, std::string_view(text).substr(pos, end - pos)));
    pos = end + 1;
    if (chunk_end && values.size() == chunk) *chunk_end = pos;
  }
  if (static_cast<int>(values.size()) < o.samples) throw too_short(path, values.size(), o);
  return values;
}

// A long trace file read `chunk` samples at a time: the file is opened at the
// byte where the next chunk starts, read, and closed again (no descriptor is
// held between chunks). Rewinding reads the first chunk again.
class PlanetLabFileSource final : public sim::SampleSource {
 public:
  PlanetLabFileSource(std::string path, const PlanetLabOptions& o, sim::SampleTable first, std::size_t first_end)
      : path_(std::move(path)), options_(o), chunk_(std::move(first)), next_offset_(first_end) {}

  std::size_t size() const override { return static_cast<std::size_t>(options_.samples); }

  double next() override {
    if (in_chunk_ == chunk_.size()) load(next_offset_, chunk_start_ + chunk_.size());
    return chunk_[in_chunk_++];
  }

  void rewind() override {
    if (chunk_start_ != 0) load(0, 0);
    in_chunk_ = 0;
  }

  std::unique_ptr<sim::SampleSource> clone() const override { return std::make_unique<PlanetLabFileSource>(*this); }

  std::size_t bytes() const override {
    return sizeof(*this) + (path_.capacity() > 15 ? path_.capacity() + 1 : 0) + chunk_.bytes();
  }

 private:
  // Reads the chunk whose first sample is number `first` from byte `offset`.
  void load(std::size_t offset, std::size_t first) {
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path_.c_str(), "rb"), &std::fclose);
    if (!f || std::fseek(f.get(), static_cast<long>(offset), SEEK_SET) != 0) {
      throw InputError(path_ + ": cannot open trace file (again, to read from sample " + std::to_string(first + 1) +
                       ")");
    }
    const std::size_t count = std::min(static_cast<std::size_t>(options_.chunk_samples), size() - first);
    std::vector<double> values;
    values.reserve(count);
    std::string text;  // read in blocks; lines end with '\n' or the end of the file
    std::size_t pos = 0, end = offset;
    bool at_eof = false;
    while (values.size() < count) {
      const std::size_t nl = text.find('\n', pos);
      if (nl == std::string::npos && !at_eof) {
        text.erase(0, pos);
        pos = 0;
        char block[8192];
        const std::size_t n = std::fread(block, 1, sizeof block, f.get());
        text.append(block, n);
        at_eof = n < sizeof block;
        continue;
      }
      if (nl == std::string::npos && pos >= text.size()) break;  // no more lines
      const std::size_t stop = nl == std::string::npos ? text.size() : nl;
      values.push_back(parse_sample(path_, static_cast<int>(first + values.size()) + 1,
                                    std::string_view(text).substr(pos, stop - pos)));
      end += stop - pos + (nl == std::string::npos ? 0 : 1);
      pos = stop + 1;
    }
    if (values.size() < count) throw too_short(path_, first + values.size(), options_);
    next_offset_ = end;
    chunk_ = sim::SampleTable(std::move(values));
    chunk_start_ = first;
    in_chunk_ = 0;
  }

  std::string path_;
  PlanetLabOptions options_;
  sim::SampleTable chunk_;
  std::size_t chunk_start_ = 0;  // number of the chunk's first sample
  std::size_t in_chunk_ = 0;     // the next sample's index in the chunk
  std::size_t next_offset_ = 0;  // byte where the chunk after this one starts
};

}  // namespace

sim::UtilizationSeries parse_planetlab_file(const std::string& path, const std::string& text,
                                            const PlanetLabOptions& o) {
  return sim::UtilizationSeries(fs::path(path).filename().string(), o.interval_s, parse_samples(path, text, o));
}

std::vector<sim::UtilizationSeries> read_planetlab_day(const std::string& dir, const PlanetLabOptions& o) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    const bool exists = fs::exists(dir, ec);
    throw InputError(dir + (exists ? ": is not a directory" : ": trace directory does not exist") +
                     " (expected a directory with one file per VM, e.g. ../shared/traces/planetlab/20110303)");
  }
  if (o.chunk_samples < 1) {
    throw InputError(dir + ": chunk of " + std::to_string(o.chunk_samples) + " samples (expected at least 1)");
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
  const auto chunk = static_cast<std::size_t>(o.chunk_samples);
  for (const auto& name : names) {
    const std::string path = (fs::path(dir) / name).string();
    std::size_t chunk_end = 0;
    std::vector<double> values = parse_samples(path, read_input_file(path), o, chunk, &chunk_end);
    if (values.size() <= chunk) {
      out.emplace_back(name, o.interval_s, std::move(values));
      continue;
    }
    values.resize(chunk);
    out.emplace_back(name, o.interval_s,
                     std::make_unique<PlanetLabFileSource>(path, o, sim::SampleTable(std::move(values)), chunk_end));
  }
  return out;
}

}  // namespace migsim::traces
