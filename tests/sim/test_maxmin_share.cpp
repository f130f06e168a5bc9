#include "sim/maxmin_share.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

using migsim::sim::max_min_rates;

TEST(MaxMinShare, EqualSharesOnOneLink) {
  const auto r = max_min_rates({1000}, {{0}, {0}, {0}, {0}});
  ASSERT_EQ(r.size(), 4u);
  for (double x : r) EXPECT_DOUBLE_EQ(x, 250);
}

TEST(MaxMinShare, ClassicThreeFlowsTwoLinks) {
  // Flow 0 crosses both links, flows 1 and 2 one each: all get half a link.
  const auto r = max_min_rates({1, 1}, {{0, 1}, {0}, {1}});
  EXPECT_DOUBLE_EQ(r[0], 0.5);
  EXPECT_DOUBLE_EQ(r[1], 0.5);
  EXPECT_DOUBLE_EQ(r[2], 0.5);
}

TEST(MaxMinShare, BottleneckFreesCapacityElsewhere) {
  // Link 0 (1) limits flows 0 and 1 to 0.5; flow 2 takes the rest of link 1 (2).
  const auto r = max_min_rates({1, 2}, {{0, 1}, {0}, {1}});
  EXPECT_DOUBLE_EQ(r[0], 0.5);
  EXPECT_DOUBLE_EQ(r[1], 0.5);
  EXPECT_DOUBLE_EQ(r[2], 1.5);
  // Link 1 (4) shared by flows 2, 3, 4: 4/3 each; flows 0 and 1 split what
  // flow 2 leaves of link 0 (10): (10 - 4/3) / 2 = 13/3.
  const auto s = max_min_rates({10, 4}, {{0}, {0}, {0, 1}, {1}, {1}});
  EXPECT_NEAR(s[2], 4.0 / 3, 1e-12);
  EXPECT_NEAR(s[3], 4.0 / 3, 1e-12);
  EXPECT_NEAR(s[4], 4.0 / 3, 1e-12);
  EXPECT_NEAR(s[0], 13.0 / 3, 1e-12);
  EXPECT_NEAR(s[1], 13.0 / 3, 1e-12);
}

TEST(MaxMinShare, ThreeLevelsOfBottlenecks) {
  // Link 0 (1): flows 0, 1 -> 0.5. Link 1 (3): flow 1 and 2 -> 2.5 left for 2.
  // Link 2 (10): flows 2 and 3 -> 7.5 left for 3.
  const auto r = max_min_rates({1, 3, 10}, {{0}, {0, 1}, {1, 2}, {2}});
  EXPECT_DOUBLE_EQ(r[0], 0.5);
  EXPECT_DOUBLE_EQ(r[1], 0.5);
  EXPECT_DOUBLE_EQ(r[2], 2.5);
  EXPECT_DOUBLE_EQ(r[3], 7.5);
}

TEST(MaxMinShare, EdgeCases) {
  // No links crossed: unconstrained. A link listed twice counts once.
  const auto r = max_min_rates({100}, {{}, {0, 0}, {0}});
  EXPECT_EQ(r[0], std::numeric_limits<double>::infinity());
  EXPECT_DOUBLE_EQ(r[1], 50);
  EXPECT_DOUBLE_EQ(r[2], 50);
  EXPECT_TRUE(max_min_rates({5}, {}).empty());
  EXPECT_THROW(max_min_rates({5}, {{1}}), std::invalid_argument);
  EXPECT_THROW(max_min_rates({5}, {{-1}}), std::invalid_argument);
  EXPECT_THROW(max_min_rates({0}, {{0}}), std::invalid_argument);
  EXPECT_THROW(max_min_rates({std::nan("")}, {{0}}), std::invalid_argument);
}

TEST(MaxMinShare, FlowOrderDoesNotChangeRates) {
  const auto a = max_min_rates({10, 4}, {{0}, {0}, {0, 1}, {1}, {1}});
  const auto b = max_min_rates({10, 4}, {{1}, {0, 1}, {0}, {1}, {0}});
  EXPECT_DOUBLE_EQ(a[2], b[1]);
  EXPECT_DOUBLE_EQ(a[0], b[2]);
  EXPECT_DOUBLE_EQ(a[0], b[4]);
  EXPECT_DOUBLE_EQ(a[3], b[0]);
}

TEST(MaxMinShare, FeasibleAndEveryFlowHasASaturatedBottleneck) {
  // The definition of max-min fairness on seeded random instances: no link is
  // over capacity, and each flow crosses a full link on which no flow is faster.
  std::uint64_t state = 12345;
  auto next = [&](int n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % static_cast<std::uint64_t>(n));
  };
  for (int round = 0; round < 50; ++round) {
    const int links = 1 + next(6);
    std::vector<double> cap;
    for (int l = 0; l < links; ++l) cap.push_back(100.0 + next(900));
    std::vector<std::vector<int>> flows(static_cast<std::size_t>(1 + next(10)));
    for (auto& f : flows) {
      for (int l = 0; l < links; ++l) {
        if (next(2)) f.push_back(l);
      }
      if (f.empty()) f.push_back(next(links));
    }
    const auto r = max_min_rates(cap, flows);
    std::vector<double> load(cap.size(), 0), fastest(cap.size(), 0);
    for (std::size_t f = 0; f < flows.size(); ++f) {
      for (int l : flows[f]) {
        load[l] += r[f];
        fastest[l] = std::max(fastest[l], r[f]);
      }
    }
    for (int l = 0; l < links; ++l) EXPECT_LE(load[l], cap[l] * (1 + 1e-12)) << "round " << round;
    for (std::size_t f = 0; f < flows.size(); ++f) {
      bool bottleneck = false;
      for (int l : flows[f]) {
        bottleneck |= load[l] >= cap[l] * (1 - 1e-9) && r[f] >= fastest[l] * (1 - 1e-12);
      }
      EXPECT_TRUE(bottleneck) << "round " << round << " flow " << f;
    }
  }
}
