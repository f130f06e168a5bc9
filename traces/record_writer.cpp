#include "traces/record_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "sim/input_error.hpp"

namespace migsim::traces {

namespace {
constexpr std::size_t kFlushAt = 1 << 20;

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_csv_field(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}
}  // namespace

RecordFormat parse_record_format(const std::string& flag, const std::string& text) {
  if (text == "csv") return RecordFormat::Csv;
  if (text == "jsonl") return RecordFormat::Jsonl;
  throw InputError(flag + ": expected csv or jsonl, got '" + text + "'");
}

const char* extension(RecordFormat f) { return f == RecordFormat::Csv ? "csv" : "jsonl"; }

RecordWriter::RecordWriter(std::string path, RecordFormat format, std::vector<std::string> columns)
    : file_(std::move(path)), format_(format), columns_(std::move(columns)) {
  if (format_ == RecordFormat::Csv) {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i) buffer_ += ',';
      append_csv_field(buffer_, columns_[i]);
    }
    buffer_ += '\n';
  }
}

void RecordWriter::begin_field() {
  if (field_ >= columns_.size()) throw std::logic_error("RecordWriter: more fields than columns");
  if (format_ == RecordFormat::Csv) {
    if (field_) buffer_ += ',';
  } else {
    buffer_ += field_ ? "," : "{";
    append_json_string(buffer_, columns_[field_]);
    buffer_ += ':';
  }
  ++field_;
}

RecordWriter& RecordWriter::number(double v) {
  begin_field();
  if (!std::isfinite(v)) {
    buffer_ += format_ == RecordFormat::Csv ? (std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf") : "null";
    return *this;
  }
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  buffer_.append(buf, r.ptr);
  return *this;
}

RecordWriter& RecordWriter::integer(long long v) {
  begin_field();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  buffer_.append(buf, r.ptr);
  return *this;
}

RecordWriter& RecordWriter::boolean(bool v) {
  begin_field();
  buffer_ += v ? "true" : "false";
  return *this;
}

RecordWriter& RecordWriter::text(std::string_view v) {
  begin_field();
  if (format_ == RecordFormat::Csv) {
    append_csv_field(buffer_, v);
  } else {
    append_json_string(buffer_, v);
  }
  return *this;
}

void RecordWriter::end_record() {
  if (field_ != columns_.size()) throw std::logic_error("RecordWriter: fewer fields than columns");
  if (format_ == RecordFormat::Jsonl) buffer_ += '}';
  buffer_ += '\n';
  field_ = 0;
  if (buffer_.size() >= kFlushAt) flush();
}

void RecordWriter::flush() {
  file_.write(buffer_);
  buffer_.clear();
}

void RecordWriter::commit() {
  flush();
  file_.commit();
}

}  // namespace migsim::traces
