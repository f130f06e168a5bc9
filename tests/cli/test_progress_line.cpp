#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "apps/progress_line.hpp"

using namespace migsim::cli;

namespace {
// The text a ProgressLine drew into a memory stream, on a clock the test moves.
struct Drawn {
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* f = open_memstream(&buf, &size);
  double now = 100.0;
  ~Drawn() {
    std::fclose(f);
    std::free(buf);
  }
  std::string text() {
    std::fflush(f);
    return std::string(buf, size);
  }
};
}  // namespace

TEST(ProgressLine, PointsRateAndEta) {
  Drawn d;
  ProgressLine p("run --sweep", "points", true, 0.0, d.f, [&] { return d.now; });
  d.now = 104.0;
  p.update(2, 10);
  EXPECT_EQ(d.text(), "\rrun --sweep: 2/10 points, 0.50 points/s, ETA 16 s\033[K");
  d.now = 104.1;  // within 0.2 s of the last draw: not redrawn
  p.update(3, 10);
  EXPECT_EQ(d.text().size(), std::string("\rrun --sweep: 2/10 points, 0.50 points/s, ETA 16 s\033[K").size());
  d.now = 110.0;
  p.update(10, 10);  // the last one is always drawn
  p.finish();
  EXPECT_NE(d.text().find("\rrun --sweep: 10/10 points, 1.00 points/s, done\033[K\n"), std::string::npos) << d.text();
}

TEST(ProgressLine, NotBeforeShowAfterNorWhenDisabled) {
  Drawn d;
  {
    ProgressLine p("run", "simulated days", true, 2.0, d.f, [&] { return d.now; });
    d.now = 101.5;
    p.update(0.5, 30);
    EXPECT_EQ(d.text(), "");
    d.now = 103.0;
    p.update(1.5, 30);
    EXPECT_EQ(d.text(), "\rrun: 1.5/30 simulated days, 0.50 simulated days/s, ETA 57 s\033[K");
  }  // destroyed: the line is ended
  EXPECT_EQ(d.text().back(), '\n');
  Drawn off;
  ProgressLine q("run", "points", false, 0.0, off.f, [&] { return off.now; });
  off.now = 200;
  q.update(1, 2);
  q.finish();
  EXPECT_EQ(off.text(), "");
}

TEST(ProgressLine, DurationText) {
  EXPECT_EQ(duration_text(12.4), "12 s");
  EXPECT_EQ(duration_text(185), "3 min 05 s");
  EXPECT_EQ(duration_text(7620), "2 h 07 min");
  EXPECT_EQ(duration_text(-1), "0 s");
}
