#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/simulator.hpp"

using migsim::sim::Simulator;

TEST(EventQueue, RunsInTimeOrder) {
  Simulator s;
  std::vector<int> seen;
  s.schedule_at(3.0, [&] { seen.push_back(3); });
  s.schedule_at(1.0, [&] { seen.push_back(1); });
  s.schedule_at(2.0, [&] { seen.push_back(2); });
  s.run();
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3}));
  EXPECT_DOUBLE_EQ(s.now(), 3.0);
}

TEST(EventQueue, TiesBreakByPriorityThenInsertionOrder) {
  Simulator s;
  std::string order;
  s.schedule_at(5.0, [&] { order += "c"; }, 1);
  s.schedule_at(5.0, [&] { order += "a"; }, 0);
  s.schedule_at(5.0, [&] { order += "b"; }, 0);
  s.schedule_at(5.0, [&] { order += "d"; }, 1);
  s.run();
  EXPECT_EQ(order, "abcd");
}

TEST(EventQueue, CancelledEventsDoNotRun) {
  Simulator s;
  int ran = 0;
  auto a = s.schedule_at(1.0, [&] { ran += 1; });
  s.schedule_at(2.0, [&] { ran += 10; });
  EXPECT_TRUE(s.cancel(a));
  EXPECT_FALSE(s.cancel(a));  // already cancelled
  s.run();
  EXPECT_EQ(ran, 10);
  EXPECT_EQ(s.events_processed(), 1u);
}

TEST(EventQueue, HandlersCanScheduleAndCancel) {
  Simulator s;
  std::vector<double> times;
  migsim::sim::EventId later = 0;
  s.schedule_at(1.0, [&] {
    times.push_back(s.now());
    s.schedule_in(0.5, [&] { times.push_back(s.now()); });
    s.cancel(later);
  });
  later = s.schedule_at(1.2, [&] { times.push_back(-1); });
  s.run();
  EXPECT_EQ(times, (std::vector<double>{1.0, 1.5}));
}

TEST(EventQueue, RunUntilStopsAndAdvancesClock) {
  Simulator s;
  int ran = 0;
  s.schedule_at(1.0, [&] { ++ran; });
  s.schedule_at(10.0, [&] { ++ran; });
  s.run_until(5.0);
  EXPECT_EQ(ran, 1);
  EXPECT_DOUBLE_EQ(s.now(), 5.0);
  EXPECT_TRUE(s.has_pending());
}

TEST(EventQueue, SchedulingInThePastIsRejected) {
  Simulator s;
  s.schedule_at(2.0, [] {});
  s.run();
  EXPECT_THROW(s.schedule_at(1.0, [] {}), std::logic_error);
}
