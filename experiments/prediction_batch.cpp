#include "experiments/prediction_batch.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <clocale>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "models/scenario_json.hpp"
#include "sim/exception_text.hpp"
#include "sim/input_error.hpp"
#include "sim/input_file.hpp"
#include "sim/json_input.hpp"

namespace migsim::experiments {

namespace {

// ---------------------------------------------------------------------------
// Writing what nlohmann::json's dump() writes, without the tree.

// A string as nlohmann::json dumps it (ensure_ascii off): the text comes from parsed
// JSON or from the models, so it is valid UTF-8 and passes through.
void put_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out.append(buf);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

// A number_float: nlohmann's own shortest round-trip form ("1.5", "100.0", "1e+20"), null if not finite.
void put_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out.append("null");
    return;
  }
  std::array<char, 64> buf{};
  char* end = nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), static_cast<std::size_t>(end - buf.data()));
}

template <typename Int>
void put_int(std::string& out, Int v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

// models/prediction_json.cpp's rounding of the reported times.
double r3(double v) { return std::round(v * 1000.0) / 1000.0; }

// One member of an object: separator, indentation, key. `indent` < 0: compact.
struct ObjectWriter {
  std::string& out;
  int indent;  // spaces before each key (pretty), or -1
  bool first = true;

  void key(const char* k) {
    if (indent >= 0) {
      out.append(first ? "\n" : ",\n");
      out.append(static_cast<std::size_t>(indent), ' ');
    } else if (!first) {
      out.push_back(',');
    }
    first = false;
    out.push_back('"');
    out.append(k);
    out.append(indent >= 0 ? "\": " : "\":");
  }
  void number(const char* k, double v) { key(k), put_double(out, v); }
  void integer(const char* k, long long v) { key(k), put_int(out, v); }
  void boolean(const char* k, bool v) { key(k), out.append(v ? "true" : "false"); }
  void text(const char* k, std::string_view v) { key(k), put_string(out, v); }
  // The closing brace (pretty: on its own line, `indent - 2` in).
  void close() {
    if (indent >= 0 && !first) {
      out.push_back('\n');
      out.append(static_cast<std::size_t>(indent - 2), ' ');
    }
    out.push_back('}');
  }
};

void put_iteration(std::string& out, const models::IterationRecord& it, int indent) {
  out.push_back('{');
  ObjectWriter w{out, indent};
  w.integer("bytes_sent", std::llround(it.bytes_sent));
  w.integer("dirty_pages_at_sync", std::llround(it.dirty_pages_at_sync));
  w.number("duration_ms", r3(it.duration_ms));
  w.integer("index", it.index);
  w.integer("pages_sent", std::llround(it.pages_sent));
  w.number("start_ms", r3(it.start_ms));
  w.boolean("stop_and_copy", it.stop_and_copy);
  w.integer("threshold_bytes", std::llround(it.threshold_bytes));
  w.number("throttle_pct", r3(it.throttle_pct));
  w.integer("zero_pages_sent", std::llround(it.zero_pages_sent));
  w.close();
}

// models::to_json(p) with "case" and "note" added, as dump(2) writes it `indent` in
// (keys in std::map order).
void put_batch_prediction(std::string& out, const models::Prediction& p, const PredictionCase& c,
                          int indent) {
  out.push_back('{');
  ObjectWriter w{out, indent};
  w.number("bandwidth_mibps", r3(p.mean_bandwidth_mibps));
  w.text("case", c.name);
  w.boolean("converged", p.converged);
  w.integer("dirty_syncs", p.dirty_syncs);
  w.integer("downtime_bytes", std::llround(p.downtime_bytes));
  w.number("downtime_ms", r3(p.downtime_ms));
  w.number("final_throttle_pct", r3(p.final_throttle_pct));
  w.key("iteration_detail");
  if (p.iteration_log.empty()) {
    out.append("[]");
  } else {
    out.push_back('[');
    const auto in = static_cast<std::size_t>(indent + 2);
    for (std::size_t i = 0; i < p.iteration_log.size(); ++i) {
      out.append(i ? ",\n" : "\n");
      out.append(in, ' ');
      put_iteration(out, p.iteration_log[i], indent + 4);
    }
    out.push_back('\n');
    out.append(static_cast<std::size_t>(indent), ' ');
    out.push_back(']');
  }
  w.integer("iterations", p.iterations);
  w.text("model", p.model);
  w.integer("normal_pages", std::llround(p.normal_pages));
  if (!c.note.empty()) w.text("note", c.note);
  w.number("setup_time_ms", r3(p.setup_time_ms));
  w.number("total_time_ms", r3(p.total_time_ms));
  w.integer("transferred_bytes", std::llround(p.transferred_bytes));
  w.integer("zero_pages", std::llround(p.zero_pages));
  w.close();
}

// {"point": i, "coordinates": {...}} updated with to_json(p) minus iteration_detail, dump().
void put_sweep_line(std::string& out, const models::Prediction& p, std::size_t point,
                    const std::string& coordinates) {
  out.push_back('{');
  ObjectWriter w{out, -1};
  w.number("bandwidth_mibps", r3(p.mean_bandwidth_mibps));
  w.boolean("converged", p.converged);
  w.key("coordinates");
  out.append(coordinates);
  w.integer("dirty_syncs", p.dirty_syncs);
  w.integer("downtime_bytes", std::llround(p.downtime_bytes));
  w.number("downtime_ms", r3(p.downtime_ms));
  w.number("final_throttle_pct", r3(p.final_throttle_pct));
  w.integer("iterations", p.iterations);
  w.text("model", p.model);
  w.integer("normal_pages", std::llround(p.normal_pages));
  w.integer("point", static_cast<unsigned long long>(point));
  w.number("setup_time_ms", r3(p.setup_time_ms));
  w.number("total_time_ms", r3(p.total_time_ms));
  w.integer("transferred_bytes", std::llround(p.transferred_bytes));
  w.integer("zero_pages", std::llround(p.zero_pages));
  w.close();
  out.push_back('\n');
}

// ---------------------------------------------------------------------------
// printf's %W.Pf, %Wd, %-Ws (W: width; left-aligned when negative), by std::to_chars,
// which is specified to give printf's digits.

void pad_to(std::string& out, std::string_view s, int width) {
  const auto w = static_cast<std::size_t>(width < 0 ? -width : width);
  if (width > 0 && s.size() < w) out.append(w - s.size(), ' ');
  out.append(s);
  if (width < 0 && s.size() < w) out.append(w - s.size(), ' ');
}

void put_fixed(std::string& out, double v, int precision, int width) {
  char buf[512];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, precision);
  if (r.ec != std::errc()) {  // cannot happen for a double and precision <= 1; printf is the reference
    const int n = std::snprintf(buf, sizeof buf, "%.*f", precision, v);
    pad_to(out, std::string_view(buf, static_cast<std::size_t>(std::max(0, n))), width);
    return;
  }
  pad_to(out, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)), width);
}

void put_int_padded(std::string& out, long long v, int width) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  pad_to(out, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)), width);
}

// A row of `migsim predict --batch`'s table: the old snprintf into char[240] cut a
// row longer than 239 bytes there (dropping its newline); so does this.
void put_table_row(std::string& out, const models::Prediction& p, const PredictionCase& c) {
  const std::size_t start = out.size();
  const auto& sc = c.scenario;
  pad_to(out, c.name, -22);
  out.push_back(' ');
  pad_to(out, p.model, -13);
  out.push_back(' ');
  put_fixed(out, sc.memory.ram_mib, 0, 8);
  out.push_back(' ');
  put_fixed(out, sc.workload.wss_mib, 0, 6);
  out.push_back(' ');
  if (sc.qemu.max_bandwidth_mibps > 0) {
    put_fixed(out, sc.qemu.max_bandwidth_mibps, 0, 6);
  } else {
    pad_to(out, "unlim", 6);
  }
  out.push_back(' ');
  put_fixed(out, sc.workload.pages_per_sec, 0, 9);
  out.push_back(' ');
  pad_to(out, p.converged ? "yes" : "NO", 5);
  out.push_back(' ');
  put_fixed(out, p.total_time_ms, 1, 12);
  out.push_back(' ');
  put_fixed(out, p.downtime_ms, 1, 11);
  out.push_back(' ');
  put_fixed(out, p.transferred_bytes / models::kMiB, 1, 11);
  out.push_back(' ');
  put_int_padded(out, p.dirty_syncs, 6);
  out.push_back('\n');
  if (out.size() - start > 239) out.resize(start + 239);
}

// "%-6zu %-13s %5s %12.1f %11.1f %11.1f %6d  %s\n"
void put_sweep_row(std::string& out, const models::Prediction& p, std::size_t point,
                   const std::string& coordinates) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<unsigned long long>(point));
  pad_to(out, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)), -6);
  out.push_back(' ');
  pad_to(out, p.model, -13);
  out.push_back(' ');
  pad_to(out, p.converged ? "yes" : "NO", 5);
  out.push_back(' ');
  put_fixed(out, p.total_time_ms, 1, 12);
  out.push_back(' ');
  put_fixed(out, p.downtime_ms, 1, 11);
  out.push_back(' ');
  put_fixed(out, p.transferred_bytes / models::kMiB, 1, 11);
  out.push_back(' ');
  put_int_padded(out, p.dirty_syncs, 6);
  out.append("  ");
  out.append(coordinates);
  out.push_back('\n');
}

// ---------------------------------------------------------------------------
// Blocks of items produced on worker threads, consumed in order on the calling thread.

// Items per block: 256 predictions (~100 KB of table or JSON lines); 16 when each
// carries its rounds (~17 KB each), so that the blocks in flight stay small.
constexpr std::size_t kBlockItems = 256;
constexpr std::size_t kDetailBlockItems = 16;

void run_ordered_blocks(std::size_t items, unsigned jobs, std::size_t block_items,
                        const std::function<void(std::size_t, std::size_t, std::string&)>& produce,
                        const std::function<void(std::size_t, const std::string&)>& consume) {
  const std::size_t blocks = (items + block_items - 1) / block_items;
  const auto range = [&](std::size_t b) {
    return std::pair{b * block_items, std::min(items, (b + 1) * block_items)};
  };
  if (jobs <= 1 || blocks <= 1) {
    std::string buf;
    for (std::size_t b = 0; b < blocks; ++b) {
      buf.clear();
      const auto [begin, end] = range(b);
      produce(begin, end, buf);
      consume(end, buf);
    }
    return;
  }
  struct Slot {
    std::string buf;
    std::exception_ptr error;
    bool ready = false;
  };
  const std::size_t window = static_cast<std::size_t>(jobs) + 1;  // slots keep their capacity: few
  std::vector<Slot> slots(window);
  std::mutex m;
  std::condition_variable ready_cv, free_cv;
  std::size_t consumed = 0;  // blocks handed to `consume` (guarded by m)
  bool stop = false;         // guarded by m
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (;;) {
      const std::size_t b = next.fetch_add(1);
      if (b >= blocks) return;
      {
        std::unique_lock<std::mutex> lock(m);
        free_cv.wait(lock, [&] { return stop || b < consumed + window; });
        if (stop) return;
      }
      Slot& s = slots[b % window];
      s.buf.clear();
      try {
        const auto [begin, end] = range(b);
        produce(begin, end, s.buf);
      } catch (...) {
        s.error = std::current_exception();
      }
      {
        const std::lock_guard<std::mutex> lock(m);
        s.ready = true;
      }
      ready_cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  const std::size_t threads = std::min<std::size_t>(jobs, blocks);
  for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
  auto halt = [&] {
    {
      const std::lock_guard<std::mutex> lock(m);
      stop = true;
    }
    free_cv.notify_all();
    for (auto& t : pool) t.join();
  };
  try {
    for (std::size_t b = 0; b < blocks; ++b) {
      Slot& s = slots[b % window];
      {
        std::unique_lock<std::mutex> lock(m);
        ready_cv.wait(lock, [&] { return s.ready; });
      }
      if (s.error) std::rethrow_exception(s.error);
      consume(range(b).second, s.buf);
      {
        const std::lock_guard<std::mutex> lock(m);
        s.ready = false;
        consumed = b + 1;
      }
      free_cv.notify_all();
    }
  } catch (...) {
    halt();
    throw;
  }
  halt();
}

// Runs item(state, i) for every i < n on `jobs` threads, each over a contiguous
// part of [0, n) with its own state = make(); returns the smallest i for which
// item returned false (each part stops at its first), or n when none did.
template <typename Make, typename Item>
std::size_t first_failure_in_parts(std::size_t n, unsigned jobs, const Make& make, const Item& item) {
  const std::size_t parts = std::clamp<std::size_t>(jobs, 1, std::max<std::size_t>(n, 1));
  std::vector<std::size_t> first(parts, n);
  auto part = [&](std::size_t k) {
    auto state = make();
    const std::size_t begin = n * k / parts, end = n * (k + 1) / parts;
    for (std::size_t i = begin; i < end; ++i) {
      if (!item(state, i)) {
        first[k] = i;
        return;
      }
    }
  };
  if (parts == 1) {
    part(0);
  } else {
    std::vector<std::thread> pool;
    for (std::size_t k = 1; k < parts; ++k) pool.emplace_back(part, k);
    part(0);
    for (auto& t : pool) t.join();
  }
  return *std::min_element(first.begin(), first.end());
}


// ---------------------------------------------------------------------------
// The batch file.

// The document read whole, as `migsim predict --batch` always did: the reference
// for every error message.
std::vector<PredictionCase> parse_cases_whole(const std::string& text, const std::string& where,
                                              const models::MigrationScenario& defaults) {
  const nlohmann::json doc = parse_json_text(text, where);
  JsonObject top(doc, where);
  auto objs = top.array_of_objects("cases");
  top.finish();
  if (objs.empty()) throw InputError(top.path("cases") + ": no cases (expected at least one)");
  std::vector<PredictionCase> out;
  out.reserve(objs.size());
  for (auto& c : objs) {
    PredictionCase pc;
    pc.name = c.string("name");
    pc.note = c.string("note", "");
    pc.scenario = models::scenario_from_json(c, defaults);
    c.finish();
    out.push_back(std::move(pc));
  }
  return out;
}

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Bytes the scanner stops at outside strings: quotes and brackets.
struct Stops {
  bool at[256] = {};
  constexpr Stops() {
    for (const unsigned char c : {'"', '{', '}', '[', ']'}) at[c] = true;
  }
};
constexpr Stops kStops;

// ---------------------------------------------------------------------------
// A parser for the plain JSON of batch cases: what nlohmann::json::parse builds from
// the same text (same values, same number types), without its lexer's per-byte
// token buffer. It declines (false) anything outside a subset: strings with escapes,
// control or non-ASCII bytes, nesting deeper than 32, numbers that would overflow
// (nlohmann reports them), another locale's decimal point. The caller then parses
// with nlohmann, which gives the document or the error.

class PlainJsonParser {
 public:
  PlainJsonParser(const char* p, const char* end) : p_(p), end_(end) {}
  bool document(nlohmann::json& out) {
    if (!value(out, 0)) return false;
    ws();
    return p_ == end_;
  }

 private:
  void ws() {
    while (p_ < end_ && is_ws(*p_)) ++p_;
  }
  // Consumes `c` if it comes next.
  bool eat(char c) {
    if (p_ >= end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool literal(const char* text, std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, text, n) != 0) return false;
    p_ += n;
    return true;
  }
  bool string(std::string& out) {
    const char* b = ++p_;  // after the opening quote
    while (p_ < end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out.assign(b, static_cast<std::size_t>(p_ - b));
        ++p_;
        return true;
      }
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;
      ++p_;
    }
    return false;
  }
  static bool digit(char c) { return c >= '0' && c <= '9'; }
  bool number(nlohmann::json& out) {
    // RFC 8259: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    const char* b = p_;
    bool negative = false, integral = true;
    if (eat('-')) negative = true;
    if (p_ >= end_ || !digit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && digit(*p_)) ++p_;
    }
    if (eat('.')) {
      integral = false;
      if (p_ >= end_ || !digit(*p_)) return false;
      while (p_ < end_ && digit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ >= end_ || !digit(*p_)) return false;
      while (p_ < end_ && digit(*p_)) ++p_;
    }
    const auto n = static_cast<std::size_t>(p_ - b);
    char buf[64];
    if (n >= sizeof buf) return false;
    std::memcpy(buf, b, n);
    buf[n] = '\0';
    // nlohmann's lexer: integers first (strtoull / strtoll), a float when that fails.
    char* endptr = nullptr;
    errno = 0;
    if (integral && !negative) {
      const auto x = std::strtoull(buf, &endptr, 10);
      if (errno == 0) {
        out = static_cast<nlohmann::json::number_unsigned_t>(x);
        return true;
      }
    } else if (integral) {
      const auto x = std::strtoll(buf, &endptr, 10);
      if (errno == 0) {
        out = static_cast<nlohmann::json::number_integer_t>(x);
        return true;
      }
    }
    const double x = std::strtod(buf, &endptr);
    if (!std::isfinite(x)) return false;  // nlohmann: "number overflow"
    out = x;
    return true;
  }
  bool value(nlohmann::json& out, int depth) {
    ws();
    if (p_ >= end_) return false;
    switch (*p_) {
      case '{': {
        if (depth >= 32) return false;
        ++p_;
        out = nlohmann::json::object();
        ws();
        if (eat('}')) return true;
        std::string key;
        for (;;) {
          ws();
          if (p_ >= end_ || *p_ != '"' || !string(key)) return false;
          ws();
          if (!eat(':')) return false;
          nlohmann::json v;
          if (!value(v, depth + 1)) return false;
          out[key] = std::move(v);  // a repeated key: the last one, as nlohmann keeps it
          ws();
          if (!eat(',')) return eat('}');
        }
      }
      case '[': {
        if (depth >= 32) return false;
        ++p_;
        out = nlohmann::json::array();
        ws();
        if (eat(']')) return true;
        for (;;) {
          nlohmann::json v;
          if (!value(v, depth + 1)) return false;
          out.push_back(std::move(v));
          ws();
          if (!eat(',')) return eat(']');
        }
      }
      case '"': {
        std::string text;
        if (!string(text)) return false;
        out = std::move(text);
        return true;
      }
      case 't': out = true; return literal("true", 4);
      case 'f': out = false; return literal("false", 5);
      case 'n': out = nullptr; return literal("null", 4);
      default: return number(out);
    }
  }

  const char* p_;
  const char* end_;
};

bool decimal_point_is_dot() {
  const std::lconv* loc = std::localeconv();
  return loc == nullptr || loc->decimal_point == nullptr || std::string_view(loc->decimal_point) == ".";
}

}  // namespace

bool detail::parse_plain_json(std::string_view text, nlohmann::json& out) {
  static const bool dot = decimal_point_is_dot();
  if (!dot) return false;
  return PlainJsonParser(text.data(), text.data() + text.size()).document(out);
}

namespace {

// Finds the cases of `{"cases": [{...}, {...}]}` without parsing them: the byte
// ranges of the case objects. False for anything else (other keys, another layout,
// unbalanced text): the caller then reads the document whole.
bool scan_case_spans(std::string_view t, std::vector<std::pair<std::size_t, std::size_t>>& spans) {
  const std::size_t n = t.size();
  std::size_t i = 0;
  const auto ws = [&] {
    while (i < n && is_ws(t[i])) ++i;
  };
  const auto expect = [&](char c) {
    ws();
    if (i >= n || t[i] != c) return false;
    ++i;
    return true;
  };
  if (!expect('{')) return false;
  ws();
  if (t.substr(i, 7) != "\"cases\"") return false;
  i += 7;
  if (!expect(':') || !expect('[')) return false;
  ws();
  if (i < n && t[i] == ']') {
    ++i;
  } else {
    for (;;) {
      ws();
      if (i >= n || t[i] != '{') return false;
      const std::size_t begin = i;
      int depth = 0;
      while (i < n) {
        const char c = t[i];
        if (!kStops.at[static_cast<unsigned char>(c)]) {
          ++i;
        } else if (c == '"') {  // a string: to its closing quote, over escapes
          for (++i; i < n && t[i] != '"'; ++i) {
            if (t[i] == '\\') ++i;
          }
          ++i;
        } else if (c == '{' || c == '[') {
          ++depth;
          ++i;
        } else {
          ++i;
          if (--depth == 0) break;
        }
      }
      if (depth != 0 || i > n) return false;
      spans.emplace_back(begin, i);
      ws();
      if (i < n && t[i] == ',') {
        ++i;
        continue;
      }
      if (i < n && t[i] == ']') {
        ++i;
        break;
      }
      return false;
    }
  }
  if (!expect('}')) return false;
  ws();
  return i == n;
}

// A file's bytes: mapped when it is a plain file (no copy), read otherwise.
class FileText {
 public:
  explicit FileText(const std::string& path) {
    const int fd = open_input_file(path);
    struct stat st {};
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* p = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p != MAP_FAILED) {
        map_ = p;
        size_ = static_cast<std::size_t>(st.st_size);
        close(fd);
        return;
      }
    }
    close(fd);
    text_ = read_input_file(path);
  }
  ~FileText() {
    if (map_) munmap(map_, size_);
  }
  FileText(const FileText&) = delete;
  FileText& operator=(const FileText&) = delete;
  std::string_view view() const {
    return map_ ? std::string_view(static_cast<const char*>(map_), size_) : std::string_view(text_);
  }

 private:
  void* map_ = nullptr;
  std::size_t size_ = 0;
  std::string text_;
};

}  // namespace

std::vector<PredictionCase> parse_prediction_cases(std::string_view text, const std::string& where,
                                                   const models::MigrationScenario& defaults,
                                                   unsigned jobs) {
  // Fast path: split the array, parse and read each case on its own (in parallel).
  // Any failure, and anything but the plain layout, goes to the whole-document
  // reading, which gives the error (or the same cases).
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  if (!scan_case_spans(text, spans) || spans.empty()) return parse_cases_whole(std::string(text), where, defaults);
  std::vector<PredictionCase> out(spans.size());
  const std::size_t failed = first_failure_in_parts(
      spans.size(), jobs, [] { return 0; }, [&](int, std::size_t i) {
        try {
          const std::string_view span = text.substr(spans[i].first, spans[i].second - spans[i].first);
          nlohmann::json doc;
          if (!detail::parse_plain_json(span, doc)) doc = nlohmann::json::parse(span.begin(), span.end());
          JsonObject c(doc, std::string());
          PredictionCase& pc = out[i];
          pc.name = c.string("name");
          pc.note = c.string("note", "");
          pc.scenario = models::scenario_from_json(c, defaults);
          c.finish();
          return true;
        } catch (...) {
          return false;
        }
      });
  if (failed < spans.size()) return parse_cases_whole(std::string(text), where, defaults);
  return out;
}

std::vector<PredictionCase> read_prediction_cases(const std::string& path,
                                                  const models::MigrationScenario& defaults,
                                                  unsigned jobs) {
  const FileText file(path);
  return parse_prediction_cases(file.view(), path, defaults, jobs);
}

std::size_t predict_cases(const std::vector<PredictionCase>& cases,
                          const std::vector<const models::MigrationModel*>& models,
                          const BatchOutputOptions& o, const OutputSink& sink) {
  const bool record = o.json && o.detail;
  if (o.json) {
    sink(cases.empty() || models.empty() ? "{\n  \"predictions\": []\n}\n"
                                         : "{\n  \"predictions\": [\n");
  } else {
    char head[200];
    std::snprintf(head, sizeof head, "%-22s %-13s %8s %6s %6s %9s %5s %12s %11s %11s %6s\n",
                  "case", "model", "RAM MiB", "WSS", "MiB/s", "pages/s", "conv", "total ms",
                  "downtime ms", "sent MiB", "syncs");
    sink(head);
  }
  run_ordered_blocks(
      cases.size(), o.jobs, record ? kDetailBlockItems : kBlockItems,
      [&](std::size_t begin, std::size_t end, std::string& buf) {
        models::MigrationScenario copy;
        for (std::size_t i = begin; i < end; ++i) {
          const PredictionCase& c = cases[i];
          const models::MigrationScenario* sc = &c.scenario;
          if (sc->options.record_iterations != record) {
            copy = c.scenario;
            copy.options.record_iterations = record;
            sc = &copy;
          }
          for (std::size_t k = 0; k < models.size(); ++k) {
            const models::Prediction p = models[k]->predict(*sc);
            if (o.json) {
              buf.append(i == 0 && k == 0 ? "    " : ",\n    ");
              put_batch_prediction(buf, p, c, 6);
            } else {
              put_table_row(buf, p, c);
            }
          }
        }
      },
      [&](std::size_t, const std::string& buf) { sink(buf); });
  if (o.json && !cases.empty() && !models.empty()) sink("\n  ]\n}\n");
  return cases.size() * models.size();
}

// ---------------------------------------------------------------------------
// The sweep.

PredictionSweep::PredictionSweep(const nlohmann::json& doc, const std::string& where,
                                 const models::MigrationScenario& defaults, unsigned jobs,
                                 std::size_t max_points, std::size_t keep_limit)
    : where_(where), defaults_(defaults) {
  if (!doc.is_object()) {
    throw InputError(where + ": expected a JSON object (one case whose list-valued fields are axes)");
  }
  spec_ = doc;
  spec_.erase("name");
  spec_.erase("note");
  axes_ = find_sweep_axes(spec_, {"dirty_rate_series"});
  for (const auto& a : axes_) {  // sim/sweep_expansion.cpp expand_axes' checks and messages
    if (a.values.empty()) throw InputError(where + ": " + a.path + ": an axis needs at least one value");
    if (count_ > max_points / a.values.size()) {
      throw InputError(where + ": the sweep has more than " + std::to_string(max_points) +
                       " points; narrow its axes");
    }
    count_ *= a.values.size();
  }
  value_text_.resize(axes_.size());
  for (std::size_t a = 0; a < axes_.size(); ++a) {
    for (const auto& v : axes_[a].values) value_text_[a].push_back(v.dump());
  }
  // The coordinates object: keys sorted as std::map sorts them; two axes on one
  // path leave the later one's value.
  for (std::size_t a = 0; a < axes_.size(); ++a) {
    auto it = std::find_if(coordinate_keys_.begin(), coordinate_keys_.end(),
                           [&](const auto& k) { return k.first == axes_[a].path; });
    if (it != coordinate_keys_.end()) {
      it->second = a;
    } else {
      coordinate_keys_.emplace_back(axes_[a].path, a);
    }
  }
  std::sort(coordinate_keys_.begin(), coordinate_keys_.end());
  for (auto& k : coordinate_keys_) k.first = nlohmann::json(k.first).dump() + ":";

  // Parse and check every point before any work, so a bad value fails fast.
  std::vector<models::MigrationScenario> kept(count_ <= keep_limit ? count_ : 0);
  const std::size_t bad = first_failure_in_parts(
      count_, jobs, [this] { return Cursor(*this); },
      [&kept](Cursor& cursor, std::size_t i) {
        try {
          const models::MigrationScenario& sc = cursor.at(i);
          if (!kept.empty()) kept[i] = sc;
          return true;
        } catch (...) {
          return false;
        }
      });
  if (bad < count_) {
    scenario(bad);  // throws the point's error
    throw InputError(label(bad) + ": cannot be read");  // not reached: the readings agree
  }
  kept_ = std::move(kept);
}

std::vector<std::size_t> PredictionSweep::indices(std::size_t i) const {
  std::vector<std::size_t> idx(axes_.size(), 0);
  for (std::size_t a = axes_.size(); a-- > 0;) {  // last axis fastest
    idx[a] = i % axes_[a].values.size();
    i /= axes_[a].values.size();
  }
  return idx;
}

nlohmann::json PredictionSweep::coordinates(std::size_t i) const {
  const auto idx = indices(i);
  nlohmann::json c = nlohmann::json::object();
  for (std::size_t a = 0; a < axes_.size(); ++a) c[axes_[a].path] = axes_[a].values[idx[a]];
  return c;
}

std::string PredictionSweep::label(std::size_t i) const {
  return where_ + " point " + std::to_string(i) + " " + coordinates(i).dump();
}

models::MigrationScenario PredictionSweep::scenario(std::size_t i) const {
  // What `migsim sweep` did for every point: the spec with every axis set, read
  // with the point's label in its messages.
  const auto idx = indices(i);
  nlohmann::json spec = spec_;
  for (std::size_t a = 0; a < axes_.size(); ++a) spec[axes_[a].pointer] = axes_[a].values[idx[a]];
  JsonObject obj(spec, label(i));
  models::MigrationScenario sc = models::scenario_from_json(obj, defaults_);
  obj.finish();
  sc.options.record_iterations = false;
  return sc;
}

PredictionSweep::Cursor::Cursor(const PredictionSweep& sweep)
    : sweep_(sweep), spec_(sweep.spec_), idx_(sweep.axes_.size(), 0) {}

void PredictionSweep::Cursor::set_point(std::size_t i) {
  const auto& axes = sweep_.axes_;
  std::size_t rest = i, first_changed = axes.size();
  std::vector<std::size_t>& idx = idx_;
  for (std::size_t a = axes.size(); a-- > 0;) {
    const std::size_t v = rest % axes[a].values.size();
    rest /= axes[a].values.size();
    if (fresh_ || v != idx[a]) first_changed = a;
    idx[a] = v;
  }
  // The axes from the first that changed on are set again, in axis order, so the
  // spec is the one every axis set in order gives (also when two share a path).
  for (std::size_t a = first_changed; a < axes.size(); ++a) spec_[axes[a].pointer] = axes[a].values[idx[a]];
  fresh_ = false;
}

const models::MigrationScenario& PredictionSweep::Cursor::at(std::size_t i) {
  if (!sweep_.kept_.empty()) {
    const auto& axes = sweep_.axes_;
    for (std::size_t a = axes.size(), rest = i; a-- > 0; rest /= axes[a].values.size()) {
      idx_[a] = rest % axes[a].values.size();
    }
    return sweep_.kept_[i];
  }
  set_point(i);
  try {
    JsonObject obj(spec_, std::string());
    scenario_ = models::scenario_from_json(obj, sweep_.defaults_);
    obj.finish();
  } catch (...) {
    fresh_ = true;
    sweep_.scenario(i);  // the error with the point's label
    throw;
  }
  scenario_.options.record_iterations = false;
  return scenario_;
}

void PredictionSweep::Cursor::append_coordinates(std::string& out) const {
  out.push_back('{');
  bool first = true;
  for (const auto& [key, a] : sweep_.coordinate_keys_) {
    if (!first) out.push_back(',');
    first = false;
    out.append(key);
    out.append(sweep_.value_text_[a][idx_[a]]);
  }
  out.push_back('}');
}

std::size_t predict_sweep(const PredictionSweep& sweep,
                          const std::vector<const models::MigrationModel*>& models,
                          const SweepOutputOptions& o, const OutputSink& sink) {
  if (!o.json) {
    char head[200];
    std::snprintf(head, sizeof head, "%-6s %-13s %5s %12s %11s %11s %6s  %s\n", "point", "model",
                  "conv", "total ms", "downtime ms", "sent MiB", "syncs", "coordinates");
    sink(head);
  }
  run_ordered_blocks(
      sweep.size(), o.jobs, kBlockItems,
      [&](std::size_t begin, std::size_t end, std::string& buf) {
        PredictionSweep::Cursor cursor(sweep);
        std::string coords;
        for (std::size_t i = begin; i < end; ++i) {
          const models::MigrationScenario& sc = cursor.at(i);
          coords.clear();
          cursor.append_coordinates(coords);
          for (const auto* m : models) {
            models::Prediction p;
            try {
              p = m->predict(sc);
            } catch (const InputError& e) {
              throw InputError(sweep.label(i) + ": " + e.what());
            } catch (const EnvironmentError& e) {
              throw EnvironmentError(sweep.label(i) + ": " + e.what());
            } catch (...) {
              throw std::runtime_error(sweep.label(i) + ": " + sim::exception_text(std::current_exception()));
            }
            if (o.json) {
              put_sweep_line(buf, p, i, coords);
            } else {
              put_sweep_row(buf, p, i, coords);
            }
          }
        }
      },
      [&](std::size_t done, const std::string& buf) {
        sink(buf);
        if (o.progress) o.progress(done);
      });
  return sweep.size() * models.size();
}

}  // namespace migsim::experiments
