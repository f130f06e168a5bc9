#include "apps/progress_line.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>

namespace migsim::cli {

namespace {
constexpr double kRedrawEvery_s = 0.2;

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v == std::floor(v) && v < 1e9 ? "%.0f" : "%.1f", v);
  return buf;
}
}  // namespace

std::string duration_text(double seconds) {
  const long long s = std::llround(std::max(seconds, 0.0));
  char buf[48];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%lld s", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lld min %02lld s", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld h %02lld min", s / 3600, (s % 3600) / 60);
  }
  return buf;
}

bool progress_wanted(bool quiet) { return !quiet && isatty(STDERR_FILENO); }

ProgressLine::ProgressLine(std::string label, std::string unit, bool enabled, double show_after_s, std::FILE* out,
                           Clock clock)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      enabled_(enabled),
      show_after_s_(show_after_s),
      out_(out),
      clock_(clock ? std::move(clock) : Clock(steady_seconds)) {
  if (enabled_) start_s_ = clock_();
}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(double done, double total) {
  if (!enabled_) return;
  const std::lock_guard<std::mutex> lock(mutex_);
  const double now = clock_();
  const double elapsed = now - start_s_;
  if (elapsed < show_after_s_ || (last_draw_s_ >= 0 && now - last_draw_s_ < kRedrawEvery_s && done < total)) return;
  last_draw_s_ = now;
  std::string line = "\r" + label_ + ": " + number_text(done) + "/" + number_text(total) + " " + unit_;
  if (elapsed > 0 && done > 0) {
    const double rate = done / elapsed;
    char buf[64];
    std::snprintf(buf, sizeof buf, ", %.2f %s/s", rate, unit_.c_str());
    line += buf;
    line += done < total ? ", ETA " + duration_text((total - done) / rate) : ", done";
  }
  line += "\033[K";  // clears what a longer line before left
  std::fputs(line.c_str(), out_);
  std::fflush(out_);
  drawn_ = true;
}

void ProgressLine::finish() {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (!drawn_) return;
  std::fputs("\n", out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace migsim::cli
