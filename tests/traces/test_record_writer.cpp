#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"
#include "traces/record_writer.hpp"

using namespace migsim;

namespace {
std::string temp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("migsim-record-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

void write_two(traces::RecordWriter& w) {
  w.number(300.1).integer(-3).boolean(true).text("rule cpu > 0.8").end_record();
  w.number(1e-9).integer(0).boolean(false).text("a,\"b\"").end_record();
}
}  // namespace

TEST(RecordWriter, CsvHeaderShortestNumbersAndQuoting) {
  const std::string path = temp_path("t.csv");
  traces::RecordWriter w(path, traces::RecordFormat::Csv, {"time_s", "n", "ok", "why"});
  write_two(w);
  EXPECT_FALSE(std::filesystem::exists(path));  // appears only on commit
  w.commit();
  EXPECT_EQ(traces::read_file(path),
            "time_s,n,ok,why\n"
            "300.1,-3,true,rule cpu > 0.8\n"
            "1e-09,0,false,\"a,\"\"b\"\"\"\n");
}

TEST(RecordWriter, JsonLinesOneObjectPerRecordInColumnOrder) {
  const std::string path = temp_path("t.jsonl");
  traces::RecordWriter w(path, traces::RecordFormat::Jsonl, {"time_s", "n", "ok", "why"});
  write_two(w);
  w.commit();
  EXPECT_EQ(traces::read_file(path),
            "{\"time_s\":300.1,\"n\":-3,\"ok\":true,\"why\":\"rule cpu > 0.8\"}\n"
            "{\"time_s\":1e-09,\"n\":0,\"ok\":false,\"why\":\"a,\\\"b\\\"\"}\n");
}

TEST(RecordWriter, NotCommittedLeavesNothingAndWrongFieldCountsThrow) {
  const std::string path = temp_path("gone.csv");
  {
    traces::RecordWriter w(path, traces::RecordFormat::Csv, {"a", "b"});
    w.number(1);
    EXPECT_THROW(w.end_record(), std::logic_error);
    w.number(2);
    EXPECT_THROW(w.number(3), std::logic_error);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path())) {
    EXPECT_EQ(e.path().filename().string().find(".gone.csv"), std::string::npos) << e.path();
  }
}

TEST(RecordWriter, FormatFlag) {
  EXPECT_EQ(traces::parse_record_format("--format", "csv"), traces::RecordFormat::Csv);
  EXPECT_EQ(traces::parse_record_format("--format", "jsonl"), traces::RecordFormat::Jsonl);
  try {
    traces::parse_record_format("--format", "xml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "--format: expected csv or jsonl, got 'xml'");
  }
}
