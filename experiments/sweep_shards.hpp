#pragma once
// A cluster sweep (`migsim run --sweep`) cut into shards and made to survive being killed:
//   --shard I/N   runs the points p with p % N == I (a Slurm array task, say);
//   --out FILE    each finished point is appended at once to FILE.partial, the whole FILE is
//                 written atomically (points in order) when the last point is done, and the
//                 .partial removed; a killed run loses no finished point;
//   --resume      skips the points FILE and FILE.partial already hold (checked: the line's
//                 coordinates must be the point's, and a shard's line must name this sweep).
// A shard's lines carry "sweep": {"id", "points", "shard"} beside "point", "coordinates",
// "result"; `migsim sweep-merge` checks that every point of one sweep is there exactly once
// and writes the lines without "sweep": the bytes of the same sweep run in one piece.
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/sweep_expansion.hpp"

namespace migsim::experiments {

struct SweepShard {
  std::size_t index = 0;
  std::size_t count = 1;
};
// "I/N" with 0 <= I < N <= 100000; InputError naming `flag` and the value otherwise.
SweepShard parse_sweep_shard(std::string_view text, const std::string& flag);
// The points of `shard` among `points`, in order.
std::vector<std::size_t> shard_points(std::size_t points, const SweepShard& shard);
std::string to_string(const SweepShard& s);

// What the lines of a shard carry so that parts of different sweeps are never merged: a
// fingerprint of everything that decides the results (the scenario, the axes and the run's
// flags, given as one JSON document), the number of points, the shard.
struct SweepIdentity {
  std::string id;
  std::size_t points = 0;
  std::string shard;
};
// FNV-1a 64 of the document's compact dump, as 16 hex digits.
std::string sweep_fingerprint(const nlohmann::json& what);

// One line of a sweep's output (no newline): {"coordinates","point","result"[,"sweep"]}.
std::string sweep_line(std::size_t point, const nlohmann::json& coordinates, const nlohmann::json& result,
                       const SweepIdentity* identity);

// The output file of a sweep (or of one shard of it) while it runs.
class SweepOutputFile {
 public:
  // `points` are all the sweep's points; `mine` the ones this run owes (sorted). With
  // `resume`, the lines already in `path` and `path`.partial are read and kept (a torn last
  // line of a killed run is dropped); without it an existing `path`.partial is an
  // InputError (an interrupted run: resume it or remove the file).
  ~SweepOutputFile();
  SweepOutputFile(const SweepOutputFile&) = delete;
  SweepOutputFile& operator=(const SweepOutputFile&) = delete;
  SweepOutputFile(std::string path, const std::vector<SweepPoint>& points, std::vector<std::size_t> mine,
                  std::optional<SweepIdentity> identity, bool resume, std::string flag);
  // The points still to run, in order.
  std::vector<std::size_t> missing() const;
  std::size_t resumed() const { return resumed_; }
  // Thread-safe: the finished point's line, appended to the .partial file at once.
  void add(std::size_t point, const nlohmann::json& result);
  // Every owed point is there: writes `path` atomically (lines in point order), removes the
  // .partial file and returns the text.
  std::string commit();

 private:
  std::string path_, partial_, flag_;
  const std::vector<SweepPoint>& points_;
  std::vector<std::size_t> mine_;
  std::optional<SweepIdentity> identity_;
  std::map<std::size_t, std::string> lines_;
  std::size_t resumed_ = 0;
  std::mutex mutex_;
  int partial_fd_ = -1;
  bool needs_newline_ = false;
  void load(const std::string& file, bool torn_tail_allowed);
};

// `migsim sweep-merge`: the parts' lines, checked (one sweep, every point exactly once, the
// parts' own lines well-formed) and written in point order without "sweep". InputError
// naming the part, the line and what is wrong.
std::string merge_sweep_parts(const std::vector<std::string>& parts);

}  // namespace migsim::experiments
