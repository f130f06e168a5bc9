#include "experiments/sweep_shards.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"

namespace migsim::experiments {

namespace {

constexpr std::size_t kMaxShards = 100000;

bool parse_index(std::string_view s, std::size_t& out) {
  if (s.empty() || s.size() > 9) return false;
  std::size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  out = v;
  return true;
}

std::string read_text(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(what + " " + path + ": cannot read file: " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// The lines of `text`, each with whether it ended in a newline.
std::vector<std::pair<std::string, bool>> split_lines(const std::string& text) {
  std::vector<std::pair<std::string, bool>> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t nl = text.find('\n', at);
    if (nl == std::string::npos) {
      out.emplace_back(text.substr(at), false);
      break;
    }
    out.emplace_back(text.substr(at, nl - at), true);
    at = nl + 1;
  }
  return out;
}

std::string where(const std::string& file, std::size_t line) { return file + ":" + std::to_string(line); }

// The line as JSON; nullopt when it is not JSON (a torn or foreign line).
std::optional<nlohmann::json> parse_line(const std::string& text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error&) {
    return std::nullopt;
  }
}

nlohmann::json identity_json(const SweepIdentity& id) {
  return {{"id", id.id}, {"points", id.points}, {"shard", id.shard}};
}

std::size_t point_of(const nlohmann::json& j, const std::string& at) {
  if (!j.is_object()) throw InputError(at + ": not a sweep line (expected a JSON object)");
  for (const char* k : {"point", "coordinates", "result"})
    if (!j.contains(k)) throw InputError(at + ": not a sweep line (no \"" + k + "\")");
  if (!j["point"].is_number_unsigned()) throw InputError(at + ": point: not a point number: " + j["point"].dump());
  return j["point"].get<std::size_t>();
}

std::set<std::string> keys_of(const nlohmann::json& coordinates) {
  std::set<std::string> k;
  if (coordinates.is_object())
    for (const auto& [key, value] : coordinates.items()) k.insert(key);
  return k;
}

std::string join(const std::set<std::string>& keys) {
  std::string s;
  for (const auto& k : keys) s += (s.empty() ? "" : ", ") + k;
  return s;
}

}  // namespace

SweepShard parse_sweep_shard(std::string_view text, const std::string& flag) {
  const auto slash = text.find('/');
  SweepShard s;
  if (slash == std::string_view::npos || !parse_index(text.substr(0, slash), s.index) ||
      !parse_index(text.substr(slash + 1), s.count) || s.count == 0 || s.count > kMaxShards)
    throw InputError(flag + ": expected I/N with 0 <= I < N <= " + std::to_string(kMaxShards) + " (got '" +
                     std::string(text) + "')");
  if (s.index >= s.count)
    throw InputError(flag + ": shard " + std::to_string(s.index) + " of " + std::to_string(s.count) +
                     " does not exist: I must be below N (got '" + std::string(text) + "')");
  return s;
}

std::vector<std::size_t> shard_points(std::size_t points, const SweepShard& shard) {
  std::vector<std::size_t> out;
  for (std::size_t p = shard.index; p < points; p += shard.count) out.push_back(p);
  return out;
}

std::string to_string(const SweepShard& s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

std::string sweep_fingerprint(const nlohmann::json& what) {
  std::uint64_t h = 1469598103934665603ull;
  for (const unsigned char c : what.dump()) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string sweep_line(std::size_t point, const nlohmann::json& coordinates, const nlohmann::json& result,
                       const SweepIdentity* identity) {
  nlohmann::json j{{"point", point}, {"coordinates", coordinates}, {"result", result}};
  if (identity) j["sweep"] = identity_json(*identity);
  return j.dump();
}

SweepOutputFile::SweepOutputFile(std::string path, const std::vector<SweepPoint>& points,
                                 std::vector<std::size_t> mine, std::optional<SweepIdentity> identity,
                                 bool resume, std::string flag)
    : path_(std::move(path)),
      partial_(path_ + ".partial"),
      flag_(std::move(flag)),
      points_(points),
      mine_(std::move(mine)),
      identity_(std::move(identity)) {
  if (file_exists(partial_) && !resume)
    throw InputError(flag_ + " " + path_ + ": " + partial_ +
                     " is left from an interrupted run: add --resume to keep its points, or remove it");
  if (resume) {
    if (file_exists(path_)) load(path_, false);
    if (file_exists(partial_)) load(partial_, true);
    resumed_ = lines_.size();
  }
  struct stat st {};
  if (::lstat(partial_.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw InputError(flag_ + " " + path_ + ": " + partial_ + " exists and is not a regular file");
  partial_fd_ = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (partial_fd_ < 0)
    throw InputError(flag_ + " " + path_ + ": cannot write " + partial_ + ": " + std::strerror(errno));
  if (needs_newline_ && ::write(partial_fd_, "\n", 1) != 1)
    throw EnvironmentError(flag_ + " " + path_ + ": cannot append to " + partial_ + ": " + std::strerror(errno));
}

void SweepOutputFile::load(const std::string& file, bool torn_tail_allowed) {
  const std::string content = read_text(file, flag_);
  const auto lines = split_lines(content);
  const std::set<std::size_t> owed(mine_.begin(), mine_.end());
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const auto& [text, ended] = lines[n];
    if (text.empty()) continue;
    const std::string at = where(file, n + 1);
    auto parsed = parse_line(text);
    if (!parsed) {
      if (torn_tail_allowed && !ended && n + 1 == lines.size()) {
        // Killed mid-write: drop the torn line, also from the file the next points go to.
        if (::truncate(file.c_str(), static_cast<off_t>(content.size() - text.size())) != 0)
          throw EnvironmentError(flag_ + " " + path_ + ": cannot cut the torn last line of " + file + ": " +
                                 std::strerror(errno));
        break;
      }
      throw InputError(at + ": not a sweep line (malformed JSON)");
    }
    nlohmann::json& j = *parsed;
    const std::size_t p = point_of(j, at);
    if (p >= points_.size() || j["coordinates"] != points_[p].coordinates)
      throw InputError(at + ": point " + std::to_string(p) + " " + j["coordinates"].dump() +
                       " is not a point of this sweep: is " + path_ + " another sweep's output?");
    if (identity_) {
      const auto& s = j.value("sweep", nlohmann::json());
      if (!s.is_object() || s.value("id", std::string()) != identity_->id)
        throw InputError(at + ": written by another sweep (scenario, axes or flags differ) than this one (id " +
                         identity_->id + ")");
    }
    if (!owed.count(p))
      throw InputError(at + ": point " + std::to_string(p) + " is not one of this run's points" +
                       (identity_ ? " (shard " + identity_->shard + ")" : std::string()));
    if (!ended && torn_tail_allowed) needs_newline_ = true;  // whole, but its newline was not written
    j.erase("sweep");
    if (identity_) j["sweep"] = identity_json(*identity_);
    lines_.emplace(p, j.dump());
  }
}

SweepOutputFile::~SweepOutputFile() {
  if (partial_fd_ >= 0) ::close(partial_fd_);
}

std::vector<std::size_t> SweepOutputFile::missing() const {
  std::vector<std::size_t> out;
  for (const std::size_t p : mine_)
    if (!lines_.count(p)) out.push_back(p);
  return out;
}

void SweepOutputFile::add(std::size_t point, const nlohmann::json& result) {
  std::string line = sweep_line(point, points_[point].coordinates, result, identity_ ? &*identity_ : nullptr);
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string with_nl = line + "\n";
  std::size_t done = 0;
  while (done < with_nl.size()) {
    const ssize_t w = ::write(partial_fd_, with_nl.data() + done, with_nl.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw EnvironmentError(flag_ + " " + path_ + ": cannot append to " + partial_ + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(w);
  }
  lines_.emplace(point, std::move(line));
}

std::string SweepOutputFile::commit() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string text;
  for (const std::size_t p : mine_) {
    const auto it = lines_.find(p);
    if (it == lines_.end()) throw std::logic_error("sweep output: point " + std::to_string(p) + " missing at commit");
    text += it->second;
    text += '\n';
  }
  traces::write_file_atomically(path_, text);
  if (partial_fd_ >= 0) ::close(partial_fd_);
  partial_fd_ = -1;
  ::unlink(partial_.c_str());
  return text;
}

std::string merge_sweep_parts(const std::vector<std::string>& parts) {
  if (parts.empty()) throw InputError("sweep-merge: no parts given");
  struct Seen {
    std::string file;
    std::string line;
  };
  std::map<std::size_t, Seen> points;
  std::optional<SweepIdentity> first;
  std::string first_file;
  std::set<std::string> first_axes;
  for (const auto& file : parts) {
    const auto lines = split_lines(read_text(file, "sweep-merge:"));
    if (lines.empty()) throw InputError(file + ": empty (no sweep lines)");
    for (std::size_t n = 0; n < lines.size(); ++n) {
      const auto& [text, ended] = lines[n];
      if (text.empty()) continue;
      const std::string at = where(file, n + 1);
      auto parsed = parse_line(text);
      if (!parsed) throw InputError(at + ": not a sweep line (malformed JSON" + (ended ? "" : ", cut short") + ")");
      nlohmann::json& j = *parsed;
      const std::size_t p = point_of(j, at);
      const auto s = j.value("sweep", nlohmann::json());
      if (!s.is_object() || !s.value("id", nlohmann::json()).is_string() ||
          !s.value("points", nlohmann::json()).is_number_unsigned())
        throw InputError(at + ": no \"sweep\" identity: not a shard's output (run --sweep ... --shard I/N --out)");
      SweepIdentity id{s["id"].get<std::string>(), s["points"].get<std::size_t>(), s.value("shard", "")};
      const auto axes = keys_of(j["coordinates"]);
      if (!first) {
        first = id;
        first_file = file;
        first_axes = axes;
      } else if (axes != first_axes) {
        throw InputError(at + ": another sweep than " + first_file + ": the axes differ ({" + join(axes) +
                         "} against {" + join(first_axes) + "})");
      } else if (id.id != first->id || id.points != first->points) {
        throw InputError(at + ": another sweep than " + first_file + " (id " + id.id + ", " +
                         std::to_string(id.points) + " points, against " + first->id + ", " +
                         std::to_string(first->points) + "): the scenario, the axis values or the flags differ");
      }
      if (p >= id.points)
        throw InputError(at + ": point " + std::to_string(p) + " beyond the sweep's " + std::to_string(id.points) +
                         " points");
      const auto [it, fresh] = points.try_emplace(p, Seen{at, std::string()});
      if (!fresh) throw InputError(at + ": point " + std::to_string(p) + " twice (also at " + it->second.file + ")");
      j.erase("sweep");
      it->second.line = j.dump();
    }
  }
  std::vector<std::size_t> missing;
  for (std::size_t p = 0; p < first->points; ++p)
    if (!points.count(p)) missing.push_back(p);
  if (!missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 10; ++i) list += (i ? ", " : "") + std::to_string(missing[i]);
    if (missing.size() > 10) list += ", ...";
    throw InputError("sweep-merge: " + std::to_string(missing.size()) + " of " + std::to_string(first->points) +
                     " points missing (" + list + "): a shard did not finish or its part was not given");
  }
  std::string text;
  for (const auto& [p, seen] : points) text += seen.line + "\n";
  return text;
}

}  // namespace migsim::experiments
