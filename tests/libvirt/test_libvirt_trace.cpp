// The libvirt trace format (traces/libvirt_trace.hpp): round trip, and one clear
// error for each kind of bad input.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/input_error.hpp"
#include "traces/libvirt_trace.hpp"

namespace migsim::traces {
namespace {

LibvirtTraceHeader header() {
  LibvirtTraceHeader h;
  h.created_utc = "2026-01-01T00:00:00Z";
  h.tool = "test";
  h.interval_s = 1.0;
  h.dirtyrate_every_s = 5.0;
  h.hosts = {{"hosta", "qemu+tcp://10.77.0.1/system", 2, 8e6},
             {"hostb", "qemu+tcp://10.77.0.2/system", 2, 8e6}};
  return h;
}

DomainSample sample(double t, double cpu_ns) {
  DomainSample s;
  s.t = t;
  s.host = "hosta";
  s.domain = "g1";
  s.uuid = "u";
  s.stats.numbers = {{"cpu.time", cpu_ns}, {"balloon.current", 262144}, {"state.state", 1}};
  s.stats.strings = {{"dirtyrate.calc_mode", "page-sampling"}};
  return s;
}

std::string good_trace() {
  std::string t = header_line(header());
  t += sample_line(sample(0.0, 1e9));
  t += sample_line(sample(1.0, 1.5e9));
  JobRecord j;
  j.t = 1.5;
  j.host = "hosta";
  j.domain = "g1";
  j.stats.numbers = {{"time_elapsed", 500}, {"memory_iteration", 1}};
  t += job_line(j);
  EventRecord e;
  e.t = 1.6;
  e.host = "hosta";
  e.domain = "g1";
  e.event = "job-ended";
  t += event_line(e);
  return t;
}

std::string error_of(const std::string& text) {
  try {
    parse_libvirt_trace(text, "t.jsonl");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(LibvirtTrace, RoundTripKeepsEveryRecord) {
  const LibvirtTrace tr = parse_libvirt_trace(good_trace(), "t.jsonl");
  EXPECT_EQ(tr.header.version, kLibvirtTraceVersion);
  ASSERT_EQ(tr.header.hosts.size(), 2u);
  EXPECT_EQ(tr.header.hosts[1].uri, "qemu+tcp://10.77.0.2/system");
  ASSERT_EQ(tr.samples.size(), 2u);
  EXPECT_DOUBLE_EQ(tr.samples[1].stats.at("cpu.time", "x"), 1.5e9);
  EXPECT_EQ(tr.samples[1].stats.strings.at("dirtyrate.calc_mode"), "page-sampling");
  EXPECT_EQ(tr.samples[1].line, 3);
  ASSERT_EQ(tr.jobs.size(), 1u);
  EXPECT_FALSE(tr.jobs[0].completed);
  EXPECT_DOUBLE_EQ(tr.jobs[0].stats.at("memory_iteration", "x"), 1.0);
  ASSERT_EQ(tr.events.size(), 1u);
  EXPECT_EQ(tr.events[0].event, "job-ended");
}

TEST(LibvirtTrace, NonMonotonicTimestampNamesBothLines) {
  std::string t = header_line(header());
  t += sample_line(sample(2.0, 1e9));
  t += sample_line(sample(1.0, 2e9));
  const std::string err = error_of(t);
  EXPECT_NE(err.find("t.jsonl:3"), std::string::npos) << err;
  EXPECT_NE(err.find("non-monotonic"), std::string::npos) << err;
  EXPECT_NE(err.find("line 2"), std::string::npos) << err;
}

TEST(LibvirtTrace, MissingFieldIsNamed) {
  std::string t = header_line(header());
  t += R"({"type":"sample","t":0,"host":"hosta","stats":{}})" "\n";
  const std::string err = error_of(t);
  EXPECT_NE(err.find("t.jsonl:2"), std::string::npos) << err;
  EXPECT_NE(err.find("domain"), std::string::npos) << err;
}

TEST(LibvirtTrace, MissingStatIsNamedByAt) {
  const LibvirtTrace tr = parse_libvirt_trace(good_trace(), "t.jsonl");
  try {
    tr.samples[0].stats.at("balloon.rss", "t.jsonl:2");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("stats.balloon.rss"), std::string::npos);
  }
}

TEST(LibvirtTrace, RejectsBadInputWithClearErrors) {
  const std::string h = header_line(header());
  struct Case {
    std::string text, expect;
  } cases[] = {
      {"", "empty file"},
      {h.substr(0, h.size() - 1), "truncated last line"},
      {h + R"({"type":"sample","t":0,"host":"a","domain":"d","stats":{}})", "truncated last line"},
      {sample_line(sample(0, 1)), "header"},
      {R"({"type":"header","format":"other","version":1,"interval_s":1,"hosts":[]})" "\n",
       "format"},
      {R"({"type":"header","format":"migsim-libvirt-trace","version":9,"interval_s":1,"hosts":[]})"
       "\n",
       "newer"},
      {h + "{not json\n", "t.jsonl:2"},
      {h + "\n", "empty line"},
      {h + "[1,2]\n", "expected a JSON object"},
      {h + R"({"type":"weird","t":0,"host":"a","domain":"d"})" "\n", "weird"},
      {h + R"({"type":"sample","t":-1,"host":"a","domain":"d","stats":{}})" "\n", "t"},
      {h + R"({"type":"sample","t":0,"host":"a","domain":"d","stats":{"cpu.time":[1]}})" "\n",
       "stats.cpu.time"},
      {h + R"({"type":"sample","t":0,"host":"a","domain":"d","stats":{},"extra":1})" "\n",
       "extra"},
      {h + R"({"type":"job","t":0,"host":"a","domain":"d","stats":{}})" "\n", "completed"},
      {h + h, "second header"},
  };
  for (const auto& c : cases) {
    const std::string err = error_of(c.text);
    EXPECT_NE(err, "") << "accepted: " << c.text;
    EXPECT_NE(err.find(c.expect), std::string::npos) << "error '" << err << "' lacks '" << c.expect
                                                     << "' for: " << c.text;
  }
}

TEST(LibvirtTrace, MissingFileIsAnInputError) {
  EXPECT_THROW(read_libvirt_trace("/nonexistent/trace.jsonl"), InputError);
}

TEST(LibvirtTrace, WriterPublishesWholeLinesAtomically) {
  const auto dir = std::filesystem::temp_directory_path() / "migsim_trace_writer_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "w.jsonl").string();
  std::filesystem::remove(path);
  {
    TraceFileWriter w(path);
    w.write_line(header_line(header()));
    w.write_line(sample_line(sample(0, 1)));
    EXPECT_FALSE(std::filesystem::exists(path));  // not published before finish()
    EXPECT_TRUE(std::filesystem::exists(path + ".partial"));
    EXPECT_THROW(w.write_line("no newline"), EnvironmentError);
    w.finish();
  }
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  const LibvirtTrace tr = read_libvirt_trace(path);
  EXPECT_EQ(tr.samples.size(), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace migsim::traces
