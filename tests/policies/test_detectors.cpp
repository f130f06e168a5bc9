#include <gtest/gtest.h>

#include "policies/overload_detector.hpp"
#include "policy_fixtures.hpp"

using namespace migsim;
using namespace migsim::policies;
using migsim::policies::fixtures::make;
using migsim::policies::fixtures::vm;

TEST(Thr, OverloadedAboveTheThresholdOfRequestedMips) {
  // Host 0: 1000 + 700 of 2000 MIPS requested = 0.85; host 1: 0.5.
  auto p = make(2, {vm(1000, 512), vm(1000, 512), vm(1000, 512)}, {0, 0, 1}, {1.0, 0.7, 1.0});
  auto thr = make_thr_detector(0.8);
  EXPECT_TRUE(thr->overloaded(p, 0));
  EXPECT_FALSE(thr->overloaded(p, 1));
  EXPECT_FALSE(make_thr_detector(0.85)->overloaded(p, 0));  // strictly greater
}

namespace {
// One VM of 2000 MIPS on a 2000-MIPS host with the given history (oldest first).
sim::Placement with_history(const std::vector<double>& oldest_first, double now) {
  auto p = make(1, {vm(2000, 512)}, {0}, {now});
  for (double u : oldest_first) p.push_history(0, u);
  return p;
}
}  // namespace

TEST(Iqr, FallsBackUntilTwelveValuesThenUsesTheAdaptiveThreshold) {
  std::vector<double> h(11, 0.5);
  auto p = with_history(h, 0.75);
  auto iqr = make_iqr_detector(1.5, make_thr_detector(0.7));
  EXPECT_TRUE(iqr->overloaded(p, 0));  // 11 values: THR 0.7 decides, 0.75 > 0.7
  // 12 values 0.1..0.6 step ~0.045: IQR = s[9]-s[2]; threshold 1 - 1.5 * IQR.
  std::vector<double> h2;
  for (int i = 0; i < 12; ++i) h2.push_back(0.1 + 0.05 * i);
  auto p2 = with_history(h2, 0.75);
  // sorted: 0.1..0.65; q1 = s[2] = 0.2, q3 = s[9] = 0.55 -> IQR 0.35 -> threshold 0.475
  EXPECT_TRUE(iqr->overloaded(p2, 0));
  auto p3 = with_history(h2, 0.45);
  EXPECT_FALSE(iqr->overloaded(p3, 0));
  // A smaller safety parameter raises the threshold: 1 - 0.5 * 0.35 = 0.825 > 0.75.
  EXPECT_FALSE(make_iqr_detector(0.5, make_thr_detector(0.7))->overloaded(p2, 0));
}

TEST(Mad, ThresholdIsOneMinusSafetyTimesMad) {
  // history 0.2 x6, 0.4 x6: median 0.3, deviations all 0.1 -> MAD 0.1
  std::vector<double> h(6, 0.2);
  h.insert(h.end(), 6, 0.4);
  auto mad = make_mad_detector(2.5, make_thr_detector(0.7));
  EXPECT_TRUE(mad->overloaded(with_history(h, 0.76), 0));   // threshold 0.75
  EXPECT_FALSE(mad->overloaded(with_history(h, 0.74), 0));
}

TEST(Lr, ExtrapolatesTheTrendOneMigrationAhead) {
  // Rising 0.05 per interval: last of 10 values 0.5 -> at x = 10 + ceil(512/62.5/300)=11: 0.55.
  std::vector<double> h;
  for (int i = 1; i <= 10; ++i) h.push_back(0.05 * i);
  auto lr = make_lr_detector(1.2, 300, make_thr_detector(0.7));
  EXPECT_FALSE(lr->overloaded(with_history(h, 0.5), 0));  // 0.55 * 1.2 = 0.66 < 1
  std::vector<double> steep;
  for (int i = 1; i <= 10; ++i) steep.push_back(0.09 * i);
  EXPECT_TRUE(lr->overloaded(with_history(steep, 0.9), 0));  // 0.99 * 1.2 >= 1
  // Fewer than 10 values: THR 0.7 on the current request.
  std::vector<double> short_h(9, 0.1);
  EXPECT_TRUE(lr->overloaded(with_history(short_h, 0.8), 0));
  // LRR equals LR (CloudSim 3.0.3's weights never drop to zero).
  auto lrr = make_lrr_detector(1.2, 300, make_thr_detector(0.7));
  EXPECT_EQ(lrr->overloaded(with_history(steep, 0.9), 0), true);
  EXPECT_EQ(lrr->overloaded(with_history(h, 0.5), 0), false);
}
