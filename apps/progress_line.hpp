#pragma once
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>

namespace migsim::cli {

// Progress of long work on one terminal line, redrawn in place:
//   "run --sweep: 12/48 points, 3.10 points/s, ETA 12 s"
// Drawn only when enabled (see progress_wanted), not before `show_after_s` of
// work, and at most every 0.2 s; finish() ends the line if one was drawn.
// update() may be called from any thread.
class ProgressLine {
 public:
  using Clock = std::function<double()>;  // seconds, monotonic
  ProgressLine(std::string label, std::string unit, bool enabled, double show_after_s = 0.0,
               std::FILE* out = stderr, Clock clock = {});
  ~ProgressLine();
  void update(double done, double total);
  void finish();

 private:
  std::string label_, unit_;
  bool enabled_;
  double show_after_s_;
  std::FILE* out_;
  Clock clock_;
  double start_s_ = 0, last_draw_s_ = -1;
  bool drawn_ = false;
  std::mutex mutex_;
};

// "12 s", "3 min 05 s", "2 h 07 min".
std::string duration_text(double seconds);
// Progress is drawn unless --quiet, and only when stderr is a terminal (never on a pipe).
bool progress_wanted(bool quiet);

}  // namespace migsim::cli
