// What replay and the controller read out of libvirt samples
// (traces/libvirt_trace_analysis.hpp, traces/libvirt_sample_readers.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/input_error.hpp"
#include "traces/libvirt_sample_readers.hpp"
#include "traces/libvirt_trace_analysis.hpp"

namespace migsim::traces {
namespace {

DomainSample sample(double t, const std::string& host, const std::string& dom, double cpu_s,
                    int line) {
  DomainSample s;
  s.t = t;
  s.host = host;
  s.domain = dom;
  s.line = line;
  s.stats.numbers = {{"cpu.time", cpu_s * 1e9},
                     {"vcpu.current", 1},
                     {"balloon.maximum", 262144},
                     {"balloon.current", 262144},
                     {"balloon.rss", 200 * 1024},
                     {"state.state", 1}};
  return s;
}

LibvirtTrace two_hosts() {
  LibvirtTrace tr;
  tr.header.interval_s = 1.0;
  tr.header.hosts = {{"ha", "uri-a", 2, 4e6}, {"hb", "uri-b", 2, 4e6}};
  return tr;
}

TEST(CpuUsageMeter, UtilisationFromCpuTimeDeltas) {
  CpuUsageMeter m;
  EXPECT_FALSE(m.update(sample(0, "ha", "g", 10.0, 2), "x").has_value());
  EXPECT_NEAR(*m.update(sample(1, "ha", "g", 10.5, 3), "x"), 0.5, 1e-12);
  EXPECT_NEAR(*m.update(sample(3, "ha", "g", 12.5, 4), "x"), 1.0, 1e-12);
  // A domain that moved to another host starts a new QEMU: no delta across hosts.
  EXPECT_FALSE(m.update(sample(4, "hb", "g", 0.2, 5), "x").has_value());
  EXPECT_NEAR(*m.update(sample(5, "hb", "g", 0.45, 6), "x"), 0.25, 1e-12);
  // ... and when it comes back, its old counter on the first host is forgotten.
  EXPECT_FALSE(m.update(sample(6, "ha", "g", 0.1, 7), "x").has_value());
}

// Seen in the lab: a domain destroyed at the end of a run was sampled once more, shut
// off (state 5), with cpu.time 0.5 s after 15.23 s; that is no error, and no utilisation.
TEST(CpuUsageMeter, AShutOffDomainIsSkippedAndCountsAfreshWhenItRunsAgain) {
  CpuUsageMeter m;
  m.update(sample(0, "ha", "g", 15.0, 2), "x");
  EXPECT_NEAR(*m.update(sample(1, "ha", "g", 15.23, 3), "x"), 0.23, 1e-9);
  DomainSample off = sample(2, "ha", "g", 0.5, 4);
  off.stats.numbers["state.state"] = kDomainShutoff;
  EXPECT_FALSE(m.update(off, "x").has_value());
  // Started again on the same host: a new QEMU, its counter from 0, no delta with 15.23 s.
  EXPECT_FALSE(m.update(sample(3, "ha", "g", 0.1, 5), "x").has_value());
  EXPECT_NEAR(*m.update(sample(4, "ha", "g", 0.6, 6), "x"), 0.5, 1e-9);
}

TEST(CpuUsageMeter, CpuTimeGoingBackwardsOnOneHostIsAnError) {
  CpuUsageMeter m;
  m.update(sample(0, "ha", "g", 10.0, 2), "t.jsonl:2");
  try {
    m.update(sample(1, "ha", "g", 9.0, 3), "t.jsonl:3");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("t.jsonl:3"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("cpu.time"), std::string::npos);
  }
}

TEST(UtilizationSeries, BinsHoldAndZeroOutsideTheSampledSpan) {
  LibvirtTrace tr = two_hosts();
  int line = 2;
  for (int t = 0; t <= 4; ++t) tr.samples.push_back(sample(t, "ha", "g", 0.8 * t, line++));
  // h appears at t=2 and is gone after t=3.
  tr.samples.push_back(sample(2, "ha", "h", 5.0, line++));
  tr.samples.push_back(sample(3, "ha", "h", 5.3, line++));
  std::stable_sort(tr.samples.begin(), tr.samples.end(),
                   [](const DomainSample& a, const DomainSample& b) { return a.t < b.t; });
  const TraceSeries ts = utilization_series(tr, "t.jsonl");
  ASSERT_EQ(ts.vms.size(), 2u);
  EXPECT_EQ(ts.vms[0].name, "g");
  ASSERT_EQ(ts.vms[0].util.size(), 5u);
  EXPECT_NEAR(ts.vms[0].util[0], 0.8, 1e-9);  // first interval takes the first measured value
  for (int k = 1; k <= 4; ++k) EXPECT_NEAR(ts.vms[0].util[static_cast<std::size_t>(k)], 0.8, 1e-9);
  const auto& h = ts.vms[1].util;
  ASSERT_EQ(h.size(), 5u);
  EXPECT_EQ(h[0], 0.0);
  EXPECT_EQ(h[1], 0.0);
  EXPECT_NEAR(h[2], 0.3, 1e-9);
  EXPECT_NEAR(h[3], 0.3, 1e-9);
  EXPECT_EQ(h[4], 0.0);  // gone
  EXPECT_NEAR(ts.vms[0].ram_mib, 256.0, 1e-9);
}

TEST(UtilizationSeries, GapsAndMissingFieldsAreErrors) {
  {
    LibvirtTrace tr = two_hosts();
    tr.samples = {sample(0, "ha", "g", 1, 2), sample(30, "ha", "g", 2, 3)};
    try {
      utilization_series(tr, "t.jsonl");
      FAIL() << "gap accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("t.jsonl:3: field 't': gap of 30.0 s"), std::string::npos)
          << e.what();
    }
  }
  {
    LibvirtTrace tr = two_hosts();
    tr.samples = {sample(0, "ha", "g", 1, 2), sample(30, "hb", "g", 2, 3)};  // migrated: fine
    EXPECT_NO_THROW(utilization_series(tr, "t.jsonl"));
  }
  {
    LibvirtTrace tr = two_hosts();
    tr.samples = {sample(0, "hz", "g", 1, 2)};
    EXPECT_THROW(utilization_series(tr, "t.jsonl"), InputError);  // host not in the header
  }
  {
    LibvirtTrace tr = two_hosts();
    DomainSample s = sample(0, "ha", "g", 1, 2);
    s.stats.numbers.erase("balloon.maximum");
    s.stats.numbers.erase("balloon.current");
    tr.samples = {s};
    try {
      utilization_series(tr, "t.jsonl");
      FAIL() << "missing balloon accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("t.jsonl:2: missing field 'stats.balloon.current'"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(UtilizationSeries, AGapTheCaptureMarkedIsAcceptedAndHoldsTheLastDemand) {
  auto gap = [](double from, double to, const std::string& host, int line) {
    EventRecord e;
    e.t = to;
    e.host = host;
    e.domain = "g";
    e.event = "gap";
    e.detail = {{"from_t", from}, {"to_t", to}, {"reason", "End of file"}, {"host_back", true}};
    e.line = line;
    return e;
  };
  LibvirtTrace tr = two_hosts();
  tr.samples = {sample(0, "ha", "g", 0, 2), sample(1, "ha", "g", 0.5, 3), sample(30, "ha", "g", 26.6, 5),
                sample(31, "ha", "g", 27.5, 6)};
  tr.events = {gap(1.5, 29.5, "ha", 4)};
  const TraceSeries ts = utilization_series(tr, "t.jsonl");
  ASSERT_EQ(ts.vms.size(), 1u);
  EXPECT_DOUBLE_EQ(ts.vms[0].util[15], 0.5);  // inside the gap: the last value before it
  EXPECT_NEAR(ts.vms[0].util[30], 0.9, 1e-9);
  // A gap marked on the other host, or one that leaves too much unmarked, is still an error.
  tr.events = {gap(1.5, 29.5, "hb", 4)};
  EXPECT_THROW(utilization_series(tr, "t.jsonl"), InputError);
  tr.events = {gap(1.5, 12, "ha", 4)};
  EXPECT_THROW(utilization_series(tr, "t.jsonl"), InputError);
  // A gap event without its numbers names the line and the field.
  tr.events = {gap(1.5, 29.5, "ha", 4)};
  tr.events[0].detail.erase("to_t");
  try {
    utilization_series(tr, "t.jsonl");
    FAIL() << "gap event without to_t accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("t.jsonl:4: field 'detail': a gap event needs numbers from_t <= to_t"),
              std::string::npos)
        << e.what();
  }
}

TEST(RecordedMigrations, PairsJobStartWithCompletedStatsAndThePriorState) {
  LibvirtTrace tr = two_hosts();
  tr.samples = {sample(0, "ha", "g", 1, 2), sample(1, "ha", "g", 1.5, 3)};
  DomainSample d = sample(2, "ha", "g", 2.0, 4);
  d.stats.numbers["dirtyrate.calc_status"] = 2;
  d.stats.numbers["dirtyrate.calc_start_time"] = 100;
  d.stats.numbers["dirtyrate.megabytes_per_second"] = 4;  // 1024 pages/s
  tr.samples.push_back(d);
  tr.samples.push_back(sample(6, "hb", "g", 0.5, 9));
  EventRecord e;
  e.t = 3;
  e.host = "ha";
  e.domain = "g";
  e.event = "job-started";
  e.detail = {{"max_speed_mibps", 40.0}, {"max_downtime_ms", 300.0}};
  e.line = 5;
  tr.events.push_back(e);
  JobRecord running;
  running.t = 3.5;
  running.host = "ha";
  running.domain = "g";
  running.stats.numbers = {{"time_elapsed", 1500}, {"memory_processed", 40.0 * 1048576},
                           {"memory_bps", 40.0 * 1048576}, {"memory_dirty_rate", 900}};
  running.line = 6;
  JobRecord done;
  done.t = 5;
  done.host = "hb";
  done.domain = "g";
  done.completed = true;
  done.stats.numbers = {{"operation", 4}, {"time_elapsed", 3000}, {"downtime", 50}};
  done.line = 7;
  tr.jobs = {running, done};
  const auto ms = recorded_migrations(tr, "t.jsonl");
  ASSERT_EQ(ms.size(), 1u);
  const RecordedMigration& m = ms[0];
  EXPECT_EQ(m.from_host, "ha");
  EXPECT_EQ(m.to_host, "hb");
  EXPECT_FALSE(m.completed_on_source);
  EXPECT_EQ(m.line, 7);
  EXPECT_DOUBLE_EQ(m.max_speed_mibps, 40.0);
  EXPECT_DOUBLE_EQ(m.max_downtime_ms, 300.0);
  EXPECT_NEAR(m.ram_mib, 256.0, 1e-9);
  EXPECT_NEAR(m.rss_mib, 200.0, 1e-9);
  EXPECT_NEAR(m.util, 0.5, 1e-9);
  EXPECT_NEAR(m.dirty_pages_per_sec, 1024.0, 1e-9);
  EXPECT_EQ(m.earlier_job_dirty_pages_per_sec, -1.0);  // no EARLIER migration
  EXPECT_NEAR(m.prepare_ms, 500.0, 1e-6);               // 1500 ms elapsed - 1000 ms at 40 MiB/s
  EXPECT_DOUBLE_EQ(m.completed.at("time_elapsed", "x"), 3000.0);
}

}  // namespace
}  // namespace migsim::traces
