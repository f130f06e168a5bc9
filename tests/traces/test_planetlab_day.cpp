#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "traces/planetlab_reader.hpp"

using namespace migsim;
namespace fs = std::filesystem;

TEST(PlanetLabReader, RealDay) {
  const fs::path day = fs::path(MIGSIM_SHARED_DIR) / "traces/planetlab/20110303";
  if (!fs::is_directory(day)) GTEST_SKIP() << "../shared/traces/planetlab is not present";
  const auto t = traces::read_planetlab_day(day.string());
  ASSERT_EQ(t.size(), 1052u);
  double sum = 0;
  for (const auto& s : t) {
    for (double v : s.samples()) sum += v;
  }
  // README: mean utilisation 12.31 % over every sample of the day.
  EXPECT_NEAR(100 * sum / (1052.0 * 288), 12.31, 0.01);
  EXPECT_TRUE(std::is_sorted(t.begin(), t.end(), [](const auto& a, const auto& b) { return a.name() < b.name(); }));
}
