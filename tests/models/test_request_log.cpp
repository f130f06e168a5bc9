#include "models/request_log.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace migsim::models {
namespace {

RequestRecord ok(double send, double done) { return {send, done, RequestOutcome::ok}; }

TEST(RequestLog, NearestRankPercentile) {
  std::vector<double> v{5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
  EXPECT_DOUBLE_EQ(percentile(v, 0.5), 5.0);
  EXPECT_DOUBLE_EQ(percentile(v, 0.99), 10.0);
  EXPECT_DOUBLE_EQ(percentile(v, 0.1), 1.0);
  std::vector<double> empty;
  EXPECT_TRUE(std::isnan(percentile(empty, 0.5)));
}

TEST(RequestLog, SteadyServerStallsAboutOneServiceTime) {
  // 10 ms apart, 3 ms each: between two responses nothing is outstanding for 7 ms.
  std::vector<RequestRecord> r;
  for (int i = 0; i < 100; ++i) r.push_back(ok(0.010 * i, 0.010 * i + 0.003));
  EXPECT_NEAR(max_stall_ms(r), 3.0, 1e-9);
}

TEST(RequestLog, PauseShowsAsOneLongStallAndQueuedResponses) {
  // Guest paused from 0.5 s to 0.7 s: requests sent in the pause all complete at 0.7 s and after.
  std::vector<RequestRecord> r;
  double free_at = 0.0;
  for (int i = 0; i < 100; ++i) {
    const double send = i * 10 / 1000.0;
    double start = std::max(send, free_at);
    if (start >= 0.5 && start < 0.7) start = 0.7;
    free_at = start + 0.003;
    r.push_back(ok(send, free_at));
  }
  // The first request caught by the pause was sent at 0.50 and ends at 0.703.
  EXPECT_NEAR(max_stall_ms(r), 203.0, 1e-6);
  const auto s = summarize_requests(r, 50.0, TimeInterval{0.4, 0.8});
  EXPECT_EQ(s.requests, 100u);
  EXPECT_EQ(s.completed, 100u);
  EXPECT_EQ(s.requests_over_slo, 22u);  // sent at 0.50 .. 0.71 wait more than 50 ms
  EXPECT_NEAR(s.p50_ms, 3.0, 1e-9);
  EXPECT_NEAR(*s.p99_during_ms, 203.0, 1e-6);
  EXPECT_NEAR(s.max_ms, 203.0, 1e-6);
}

TEST(RequestLog, TimeoutsAndErrorsCount) {
  std::vector<RequestRecord> r{ok(0.0, 0.002), {0.1, 2.1, RequestOutcome::timeout},
                               {0.2, 0.201, RequestOutcome::error}};
  const auto s = summarize_requests(r, 100.0);
  EXPECT_EQ(s.completed, 1u);
  EXPECT_EQ(s.timeouts, 1u);
  EXPECT_EQ(s.errors, 1u);
  EXPECT_EQ(s.requests_over_slo, 2u);
  EXPECT_NEAR(s.max_ms, 2000.0, 1e-9);  // a timeout counts at its timeout
  EXPECT_FALSE(s.p99_during_ms.has_value());
  // Outstanding after the last ok response until the timeout ended it: a trailing stall.
  EXPECT_NEAR(max_stall_ms(r), 2000.0, 1e-9);
}

TEST(RequestLog, WindowsBySendTimeThroughputByCompletion) {
  std::vector<RequestRecord> r{ok(0.00, 0.05), ok(0.05, 0.25), ok(0.15, 0.16),
                               {0.12, 0.13, RequestOutcome::error}};
  const auto w = request_windows(r, 0.1, 0.3);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].sent, 2u);
  EXPECT_EQ(w[0].completed, 1u);
  EXPECT_NEAR(w[0].p50_ms, 50.0, 1e-9);
  EXPECT_NEAR(w[0].p99_ms, 200.0, 1e-9);
  EXPECT_EQ(w[1].sent, 2u);
  EXPECT_EQ(w[1].errors, 1u);
  EXPECT_EQ(w[1].completed, 1u);
  EXPECT_NEAR(w[1].max_ms, 10.0, 1e-9);
  EXPECT_EQ(w[2].sent, 0u);
  EXPECT_EQ(w[2].completed, 1u);
  EXPECT_NEAR(w[2].throughput_rps, 10.0, 1e-9);
  EXPECT_TRUE(std::isnan(w[2].p50_ms));
  EXPECT_TRUE(to_json(w[2])["p50_ms"].is_null());
}

TEST(RequestLog, ATimeOnAWindowBoundaryOpensTheNextWindow) {
  // 0.3 / 0.1 and 0.7 / 0.1 fall just below 3 and 7 in doubles.
  std::vector<RequestRecord> r;
  for (int k = 0; k < 10; ++k) r.push_back(ok(k * 0.1, k * 0.1 + 0.01));
  r.push_back(ok(0.3, 0.31));
  r.push_back(ok(0.7, 0.71));
  const auto w = request_windows(r, 0.1, 1.0);
  ASSERT_EQ(w.size(), 10u);
  for (std::size_t k = 0; k < w.size(); ++k) EXPECT_EQ(w[k].sent, (k == 3 || k == 7) ? 2u : 1u) << k;
}

TEST(RequestLog, SummaryJsonHasTheContractKeys) {
  std::vector<RequestRecord> r{ok(0.0, 0.004)};
  const auto j = to_json(summarize_requests(r, 10.0, TimeInterval{0.0, 1.0}));
  for (const char* k : {"requests", "requests_over_slo", "p50_ms", "p99_ms", "max_stall_ms",
                        "p99_during_migration_ms"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["requests"], 1);
}

}  // namespace
}  // namespace migsim::models
