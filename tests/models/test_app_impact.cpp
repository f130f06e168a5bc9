// The application-impact models (models/app_impact_model.hpp), their queue engine and APP.json.
#include "models/app_impact_model.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "models/app_model_registry.hpp"
#include "models/app_params.hpp"
#include "models/request_queue.hpp"
#include "sim/input_error.hpp"
#include "tests/support/input_error_of.hpp"

namespace migsim::models {
namespace {

AppParams web(double rps = 100, double service_ms = 2) {
  AppParams a;
  a.arrival_rps = rps;
  a.service_ms = service_ms;
  a.slo_ms = 50;
  a.precopy_slowdown = 0;
  a.switchover_ms = 0;
  return a;
}

// Migrate at 1 s; the guest stops at 3 s for `downtime_ms`.
MigrationTimeline migration(double downtime_ms, std::vector<ThrottleStep> throttle = {}) {
  return timeline_from_measured(1.0, 2000.0 + downtime_ms, downtime_ms, true, std::move(throttle));
}

double latency_of_request_sent_at(const std::vector<RequestRecord>& r, double t) {
  for (const auto& x : r) {
    if (std::abs(x.send_s - t) < 1e-9) return (x.done_s - x.send_s) * 1000.0;
  }
  ADD_FAILURE() << "no request sent at " << t;
  return NAN;
}

TEST(RequestQueue, FinishTimeSkipsAPauseAndScalesWithSpeed) {
  const std::vector<SpeedSegment> s{{0.0, 1.0}, {1.0, 0.5}, {2.0, 0.0}, {2.5, 1.0}};
  EXPECT_DOUBLE_EQ(finish_time(s, 0.0, 100.0), 0.1);
  EXPECT_DOUBLE_EQ(finish_time(s, 1.0, 100.0), 1.2);     // half speed
  EXPECT_NEAR(finish_time(s, 1.95, 100.0), 2.575, 1e-12);  // 25 ms of work at half speed, 75 after the pause
  EXPECT_DOUBLE_EQ(finish_time(s, 2.1, 10.0), 2.51);      // started while paused
}

TEST(QueueAppModel, UndisturbedServerAnswersInOneServiceTime) {
  MigrationTimeline none;  // never migrates (not converged, no pre-copy)
  none.start_s = none.end_s = 100.0;
  const auto a = app_impact(QueueAppModel{}, web(), none, 5.0);
  EXPECT_EQ(a.summary.requests, 500u);
  EXPECT_NEAR(a.summary.p99_ms, 2.0, 1e-9);
  EXPECT_NEAR(a.summary.max_stall_ms, 2.0, 1e-6);
  EXPECT_EQ(a.summary.requests_over_slo, 0u);
  ASSERT_EQ(a.windows.size(), 50u);
  EXPECT_NEAR(a.windows[10].throughput_rps, 100.0, 1e-9);
}

TEST(QueueAppModel, PauseStallsForDowntimePlusSwitchover) {
  AppParams app = web();
  app.switchover_ms = 50;
  const auto a = app_impact(QueueAppModel{}, app, migration(200), 6.0);
  // Stopped 3.0 .. 3.25 s: the request sent at 3.0 waits the whole pause, then its service.
  EXPECT_NEAR(latency_of_request_sent_at(a.requests, 3.0), 252.0, 1e-6);
  EXPECT_NEAR(a.summary.max_stall_ms, 252.0, 1.0);
  // The ones sent in the pause answer from 3.25 s on, one service time apart: the queue drains.
  EXPECT_GT(a.summary.requests_over_slo, 15u);
  const auto b = app_impact(DowntimeOnlyAppModel{}, app, migration(200), 6.0);
  EXPECT_NEAR(b.summary.max_stall_ms, 202.0, 1.0);  // the baseline ignores the switch-over
}

// web() whose clients retransmit a lost SYN after 1 s, with this switch-over.
AppParams web_with_syn_retry(double switchover_ms = 0) {
  AppParams app = web();
  app.syn_retry_s = 1.0;
  app.switchover_ms = switchover_ms;
  return app;
}

TEST(QueueAppModel, SynRetransmitTurnsAShortPauseIntoASecondLongWait) {
  const AppParams app = web_with_syn_retry();
  const auto a = app_impact(QueueAppModel{}, app, migration(200), 6.0);
  // Sent at 3.05 s, in the pause: its SYN is retransmitted at 4.05 s (with the request sent
  // then: one service time more or less, by the order of equal arrivals).
  EXPECT_NEAR(latency_of_request_sent_at(a.requests, 3.05), 1003.0, 1.01);
  EXPECT_NEAR(a.summary.max_ms, 1003.0, 1.01);
  // New connections after the pause are answered at once: no server-wide stall beyond the pause.
  EXPECT_NEAR(a.summary.max_stall_ms, 202.0, 1.0);
  EXPECT_GT(a.summary.requests_over_slo, 19u);
  // A long pause: the second retransmission (after 1 + 2 s) is the first after it.
  const auto b = app_impact(QueueAppModel{}, app, migration(1500), 8.0);
  EXPECT_NEAR(latency_of_request_sent_at(b.requests, 3.0), 3002.0, 1e-6);
}

TEST(QueueAppModel, OnlyASynSentDuringThePauseIsLost) {
  const AppParams app = web_with_syn_retry(100);
  // Paused 3.0 .. 3.2 s, reachable again at 3.3 s.
  const auto a = app_impact(QueueAppModel{}, app, migration(200), 6.0);
  EXPECT_NEAR(latency_of_request_sent_at(a.requests, 3.1), 1002.0, 1.01);  // in the pause: retransmitted
  // In the switch-over: not lost, it waits for 3.3 s behind the five sent since 3.2 s.
  EXPECT_NEAR(latency_of_request_sent_at(a.requests, 3.25), 62.0, 1e-6);
  // Paused 3.0 .. 4.0 s, reachable at 4.1 s: the retransmission at 4.0 s falls in the
  // switch-over and waits for 4.1 s (it is not lost again, as it would be in the pause);
  // the request sent at 3.0 s is the first of those waiting.
  const auto b = app_impact(QueueAppModel{}, app, migration(1000), 8.0);
  EXPECT_NEAR(latency_of_request_sent_at(b.requests, 3.0), 1102.0, 1e-6);
}

TEST(QueueAppModel, TheSynLossWindowCanBeShiftedAgainstTheReportedDowntime) {
  AppParams app = web_with_syn_retry(100);
  app.syn_lost_shift_ms = 30;
  // Paused 3.0 .. 3.2 s by QEMU's clock; SYNs lost 3.03 .. 3.23 s.
  const auto a = app_impact(QueueAppModel{}, app, migration(200), 6.0);
  EXPECT_LT(latency_of_request_sent_at(a.requests, 3.02), 400.0);   // before the window: waits
  EXPECT_GT(latency_of_request_sent_at(a.requests, 3.22), 900.0);   // after the pause, in the window
  EXPECT_LT(latency_of_request_sent_at(a.requests, 3.24), 400.0);
  EXPECT_EQ(to_json(app)["syn_lost_shift_ms"], 30.0);
}

// How many requests waited for a SYN retransmission (over 0.9 s here).
int syn_retried(const std::vector<RequestRecord>& r) {
  int n = 0;
  for (const auto& x : r) n += x.done_s - x.send_s > 0.9 ? 1 : 0;
  return n;
}

TEST(QueueAppModel, ExpectedSynLossLosesTheExpectedNumberWhateverThePhase) {
  // 50 requests/s: one every 20 ms, one sent at 3.0 s, when the guest stops.
  AppParams window = web_with_syn_retry();
  window.arrival_rps = 50;
  window.syn_loss = SynLoss::Window;
  AppParams expected = window;
  expected.syn_loss = SynLoss::Expected;
  auto run = [](const AppParams& a, double downtime_ms) {
    return app_impact(QueueAppModel{}, a, migration(downtime_ms), 6.0).requests;
  };
  // 9 ms paused: the window holds the request sent at 3.0 s; 0.45 expected: none lost.
  EXPECT_GT(latency_of_request_sent_at(run(window, 9), 3.0), 900.0);
  EXPECT_EQ(syn_retried(run(window, 9)), 1);
  EXPECT_EQ(syn_retried(run(expected, 9)), 0);
  EXPECT_LT(latency_of_request_sent_at(run(expected, 9), 3.0), 20.0);
  // 13 ms, shifted 5 ms: the window 3.005 .. 3.018 s holds no request; 0.65 expected: the one
  // sent nearest its middle (3.0115 s), at 3.02 s, is lost.
  window.syn_lost_shift_ms = expected.syn_lost_shift_ms = 5;
  EXPECT_EQ(syn_retried(run(window, 13)), 0);
  EXPECT_EQ(syn_retried(run(expected, 13)), 1);
  EXPECT_GT(latency_of_request_sent_at(run(expected, 13), 3.02), 900.0);
  // 41 ms, unshifted: the window holds 3.0, 3.02 and 3.04 s; 2.05 expected: the two nearest
  // the middle (3.0205 s), 3.02 and 3.04 s.
  window.syn_lost_shift_ms = expected.syn_lost_shift_ms = 0;
  EXPECT_EQ(syn_retried(run(window, 41)), 3);
  const auto e = run(expected, 41);
  EXPECT_EQ(syn_retried(e), 2);
  EXPECT_LT(latency_of_request_sent_at(e, 3.0), 900.0);
  EXPECT_GT(latency_of_request_sent_at(e, 3.04), 900.0);
  // Without retransmissions nothing is lost either way.
  expected.syn_retry_s = 0;
  EXPECT_EQ(syn_retried(run(expected, 41)), 0);
}

TEST(QueueAppModel, PrecopySlowdownAndThrottleStretchService) {
  AppParams app = web(10, 10);
  app.precopy_slowdown = 0.5;
  const auto a = app_impact(QueueAppModel{}, app, migration(100, {{2.0, 50.0}}), 6.0);
  EXPECT_NEAR(latency_of_request_sent_at(a.requests, 0.5), 10.0, 1e-6);
  EXPECT_NEAR(latency_of_request_sent_at(a.requests, 1.5), 15.0, 1e-6);  // 1.5x
  EXPECT_NEAR(latency_of_request_sent_at(a.requests, 2.5), 30.0, 1e-6);  // 1.5x / (1 - 0.5)
  EXPECT_NEAR(latency_of_request_sent_at(a.requests, 4.5), 10.0, 1e-6);  // after: undisturbed
  const auto b = app_impact(DowntimeOnlyAppModel{}, app, migration(100, {{2.0, 50.0}}), 6.0);
  EXPECT_NEAR(latency_of_request_sent_at(b.requests, 2.5), 10.0, 1e-6);
}

TEST(QueueAppModel, OverloadQueuesAndServersShareIt) {
  AppParams app = web(100, 15);  // 1.5x the capacity of one server
  MigrationTimeline none;
  none.start_s = none.end_s = 100.0;
  const auto one = app_impact(QueueAppModel{}, app, none, 2.0);
  EXPECT_GT(one.summary.p99_ms, 900.0);  // the queue grows by 5 ms per request
  app.servers = 2;
  const auto two = app_impact(QueueAppModel{}, app, none, 2.0);
  EXPECT_NEAR(two.summary.p99_ms, 15.0, 1e-6);
}

TEST(QueueAppModel, TimeoutsCountOverTheSlo) {
  AppParams app = web();
  app.timeout_ms = 100;
  const auto a = app_impact(QueueAppModel{}, app, migration(500), 6.0);
  EXPECT_GT(a.summary.timeouts, 30u);
  EXPECT_GE(a.summary.requests_over_slo, a.summary.timeouts);
}

TEST(QueueAppModel, PoissonArrivalsAreSeeded) {
  AppParams app = web();
  app.arrivals = ArrivalProcess::Poisson;
  app.service = ServiceDistribution::Exponential;
  const auto a = QueueAppModel{}.simulate(app, migration(200), 5.0);
  const auto b = QueueAppModel{}.simulate(app, migration(200), 5.0);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].done_s, b[i].done_s);
  app.seed = 2;
  const auto c = QueueAppModel{}.simulate(app, migration(200), 5.0);
  EXPECT_TRUE(c.size() != a.size() || c[3].send_s != a[3].send_s);
  EXPECT_NEAR(static_cast<double>(a.size()), 500.0, 80.0);
}

TEST(AppTimeline, FromAPredictionPausesAtTotalMinusDowntime) {
  Prediction p;
  p.converged = true;
  p.total_time_ms = 3000;
  p.downtime_ms = 100;
  p.iteration_log = {{1, 0, 1000, 0, 0, 0, 0, 0, 0, false}, {2, 1000, 1900, 0, 0, 0, 0, 0, 20, false},
                     {3, 2900, 100, 0, 0, 0, 0, 0, 20, true}};
  const auto m = timeline_from_prediction(p, 2.0);
  EXPECT_DOUBLE_EQ(m.stop_s, 4.9);
  EXPECT_DOUBLE_EQ(m.resume_s, 5.0);
  ASSERT_EQ(m.throttle.size(), 2u);
  EXPECT_DOUBLE_EQ(m.throttle[1].from_s, 3.0);
  EXPECT_DOUBLE_EQ(m.throttle[1].pct, 20.0);
  AppParams app = web();
  app.switchover_ms = 100;
  EXPECT_DOUBLE_EQ(predict_end_s(app, m), 5.1 + app.drain_s);
}

TEST(AppJson, HasExactlyTheContractKeys) {
  MigrationTimeline none;
  none.start_s = none.end_s = 100.0;
  const auto j = app_json(app_impact(QueueAppModel{}, web(), none, 1.0));
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"max_stall_ms", "p50_ms", "p99_ms", "requests", "requests_over_slo",
                                            "windows"}));
  std::vector<std::string> wkeys;
  for (auto it = j["windows"][0].begin(); it != j["windows"][0].end(); ++it) wkeys.push_back(it.key());
  EXPECT_EQ(wkeys, (std::vector<std::string>{"p50_ms", "p99_ms", "t_s", "throughput_rps"}));
}

TEST(AppModelRegistry, KnowsQueueAndTheBaseline) {
  EXPECT_EQ(app_model_names(), (std::vector<std::string>{"queue", "downtime-only"}));
  EXPECT_EQ(make_app_model("queue")->name(), "queue");
  EXPECT_EQ(make_app_model("downtime-only")->name(), "downtime-only");
  EXPECT_EQ(make_app_model("nope"), nullptr);
}

TEST(AppParams, ReadsDefaultsAndRefusesBadValues) {
  const auto p = app_params_from_json(nlohmann::json{{"arrival_rps", 50}, {"service_ms", 4}, {"slo_ms", 100}}, "a.json");
  EXPECT_EQ(p.servers, 1);
  EXPECT_DOUBLE_EQ(p.timeout_ms, 5000);
  using testing::input_error_of;
  auto err = [](nlohmann::json j) { return input_error_of([&] { app_params_from_json(j, "a.json"); }); };
  EXPECT_NE(err({{"service_ms", 4}, {"slo_ms", 100}}).find("a.json: arrival_rps"), std::string::npos);
  const std::string neg = err({{"arrival_rps", -5}, {"service_ms", 4}, {"slo_ms", 100}});
  EXPECT_NE(neg.find("a.json: arrival_rps"), std::string::npos) << neg;
  EXPECT_NE(neg.find("-5"), std::string::npos) << neg;
  EXPECT_NE(err({{"arrival_rps", 5}, {"service_ms", 4}, {"slo_ms", 100}, {"srvers", 2}}).find("srvers"),
            std::string::npos);
  EXPECT_NE(err({{"arrival_rps", 5}, {"service_ms", 4}, {"slo_ms", 100}, {"servers", 0}}).find("a.json: servers"),
            std::string::npos);
  EXPECT_NE(err({{"arrival_rps", 5}, {"service_ms", 4}, {"slo_ms", 100}, {"arrivals", "bursty"}}).find("bursty"),
            std::string::npos);
  const std::string shift = err({{"arrival_rps", 5}, {"service_ms", 4}, {"slo_ms", 100}, {"syn_lost_shift_ms", 5000}});
  EXPECT_NE(shift.find("a.json: syn_lost_shift_ms"), std::string::npos) << shift;  // ms, not s: at most 1000
  EXPECT_NE(shift.find("5000"), std::string::npos) << shift;
  EXPECT_EQ(p.syn_loss, SynLoss::Expected);
  EXPECT_EQ(app_params_from_json(nlohmann::json{{"arrival_rps", 5}, {"service_ms", 4}, {"slo_ms", 100}, {"syn_loss", "window"}},
                                 "a.json")
                .syn_loss,
            SynLoss::Window);
  const std::string bad = err({{"arrival_rps", 5}, {"service_ms", 4}, {"slo_ms", 100}, {"syn_loss", "always"}});
  EXPECT_NE(bad.find("a.json: syn_loss"), std::string::npos) << bad;
  EXPECT_NE(bad.find("always"), std::string::npos) << bad;
}

}  // namespace
}  // namespace migsim::models
