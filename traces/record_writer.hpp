#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "traces/atomic_file.hpp"

namespace migsim::traces {

// The text form of a table of records: CSV (a header line of the column names,
// then one line per record) or JSON lines (one object per record, keys the
// column names in column order).
enum class RecordFormat { Csv, Jsonl };
// "csv" -> Csv, "jsonl" -> Jsonl; anything else: InputError naming `flag` and the value.
RecordFormat parse_record_format(const std::string& flag, const std::string& text);
// The file name ending of a format: "csv" or "jsonl".
const char* extension(RecordFormat f);

// A table streamed into an AtomicFileSink as its records come (buffered, so a
// record costs no system call): nothing of it is kept but the buffer. Fields
// are given in column order, then end_record(). Numbers are written in their
// shortest round-trip form (std::to_chars), so the same values give the same
// bytes. The file appears on commit(), whole; not committed, it never does.
class RecordWriter {
 public:
  RecordWriter(std::string path, RecordFormat format, std::vector<std::string> columns);
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;
  RecordWriter& number(double v);
  RecordWriter& integer(long long v);
  RecordWriter& boolean(bool v);
  RecordWriter& text(std::string_view v);
  void end_record();
  void commit();

 private:
  void begin_field();
  void flush();
  AtomicFileSink file_;
  RecordFormat format_;
  std::vector<std::string> columns_;
  std::size_t field_ = 0;
  std::string buffer_;
};

}  // namespace migsim::traces
