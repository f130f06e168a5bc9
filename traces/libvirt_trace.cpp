#include "traces/libvirt_trace.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "sim/input_error.hpp"
#include "sim/json_input.hpp"
#include "traces/atomic_file.hpp"

namespace migsim::traces {

double StatValues::at(const std::string& key, const std::string& where) const {
  const auto it = numbers.find(key);
  if (it == numbers.end()) throw InputError(where + ": missing field 'stats." + key + "'");
  return it->second;
}

namespace {

nlohmann::json stats_json(const StatValues& s) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : s.numbers) j[k] = v;
  for (const auto& [k, v] : s.strings) j[k] = v;
  return j;
}

std::string line_of(const nlohmann::json& j) { return j.dump() + "\n"; }

StatValues read_stats(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) {
    throw InputError(where + ": field 'stats': expected an object, got " + json_snippet(j));
  }
  StatValues s;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it->is_number()) {
      const double v = it->get<double>();
      if (!std::isfinite(v)) {
        throw InputError(where + ": field 'stats." + it.key() + "': not a finite number");
      }
      s.numbers[it.key()] = v;
    } else if (it->is_string()) {
      s.strings[it.key()] = it->get<std::string>();
    } else {
      throw InputError(where + ": field 'stats." + it.key() +
                       "': expected a number or a string, got " + json_snippet(*it));
    }
  }
  return s;
}

LibvirtTraceHeader read_header(const nlohmann::json& doc, const std::string& where) {
  JsonObject o(doc, where);
  const std::string type = o.string("type");
  if (type != "header") {
    throw InputError(where + ": the first record must be the header (type 'header'), got type '" +
                     type + "'");
  }
  const std::string format = o.string("format");
  if (format != kLibvirtTraceFormat) {
    throw InputError(where + ": field 'format': expected '" + std::string(kLibvirtTraceFormat) +
                     "', got '" + format + "'");
  }
  LibvirtTraceHeader h;
  h.version = static_cast<int>(o.integer("version", bounds::kVersion));
  if (h.version > kLibvirtTraceVersion) {
    throw InputError(where + ": field 'version': " + std::to_string(h.version) +
                     " is newer than this migsim reads (" +
                     std::to_string(kLibvirtTraceVersion) + ")");
  }
  h.created_utc = o.string("created_utc", "");
  h.tool = o.string("tool", "");
  h.interval_s = o.number("interval_s", bounds::kIntervalS);
  h.dirtyrate_every_s = o.number("dirtyrate_every_s", 0.0, bounds::kTimeS);
  h.dirtyrate_calc_s = static_cast<int>(o.integer("dirtyrate_calc_s", 1, bounds::kSamples));
  h.job_interval_s = o.number("job_interval_s", 0.5, bounds::kIntervalS);
  for (auto& ho : o.array_of_objects("hosts")) {
    TraceHost th;
    th.name = ho.string("name");
    th.uri = ho.string("uri");
    th.cpus = ho.number("cpus", 0.0, bounds::kCountOrZero);
    th.memory_kib = ho.number("memory_kib", 0.0, bounds::kMemoryKibOrZero);
    ho.finish();
    h.hosts.push_back(th);
  }
  if (h.hosts.empty()) throw InputError(where + ": field 'hosts': empty (no host captured)");
  o.finish();
  return h;
}

}  // namespace

std::string header_line(const LibvirtTraceHeader& h) {
  nlohmann::json hosts = nlohmann::json::array();
  for (const auto& th : h.hosts) {
    hosts.push_back(
        {{"name", th.name}, {"uri", th.uri}, {"cpus", th.cpus}, {"memory_kib", th.memory_kib}});
  }
  nlohmann::json j = {{"type", "header"},
                      {"format", kLibvirtTraceFormat},
                      {"version", h.version},
                      {"created_utc", h.created_utc},
                      {"tool", h.tool},
                      {"interval_s", h.interval_s},
                      {"dirtyrate_every_s", h.dirtyrate_every_s},
                      {"dirtyrate_calc_s", h.dirtyrate_calc_s},
                      {"job_interval_s", h.job_interval_s},
                      {"hosts", hosts}};
  return line_of(j);
}

std::string sample_line(const DomainSample& s) {
  return line_of({{"type", "sample"},
                  {"t", s.t},
                  {"host", s.host},
                  {"domain", s.domain},
                  {"uuid", s.uuid},
                  {"stats", stats_json(s.stats)}});
}

std::string job_line(const JobRecord& j) {
  return line_of({{"type", "job"},
                  {"t", j.t},
                  {"host", j.host},
                  {"domain", j.domain},
                  {"completed", j.completed},
                  {"stats", stats_json(j.stats)}});
}

std::string event_line(const EventRecord& e) {
  return line_of({{"type", "event"},
                  {"t", e.t},
                  {"host", e.host},
                  {"domain", e.domain},
                  {"event", e.event},
                  {"detail", e.detail}});
}

LibvirtTrace parse_libvirt_trace(const std::string& text, const std::string& origin) {
  LibvirtTrace trace;
  if (text.empty()) throw InputError(origin + ": empty file (expected a header line)");
  if (text.back() != '\n') {
    std::size_t lines = 1;
    for (char c : text) lines += (c == '\n');
    throw InputError(origin + ":" + std::to_string(lines) +
                     ": truncated last line (no newline at the end of the file)");
  }
  std::size_t pos = 0;
  int line_no = 0;
  double last_t = -1.0;
  int last_t_line = 0;
  bool have_header = false;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    const std::string where = origin + ":" + std::to_string(line_no);
    if (line.empty()) throw InputError(where + ": empty line");
    const nlohmann::json doc = parse_json_text(line, where);
    if (!doc.is_object()) {
      throw InputError(where + ": expected a JSON object, got " + json_snippet(doc));
    }
    if (!have_header) {
      trace.header = read_header(doc, where);
      have_header = true;
      continue;
    }
    JsonObject o(doc, where);
    const std::string type = o.choice("type", {"sample", "job", "event", "header"});
    if (type == "header") throw InputError(where + ": a second header record");
    const double t = o.number("t", bounds::kTimeS);
    if (t < last_t) {
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    ": field 't': non-monotonic timestamp %.3f after %.3f (line %d)", t, last_t,
                    last_t_line);
      throw InputError(where + buf);
    }
    last_t = t;
    last_t_line = line_no;
    const std::string host = o.string("host");
    const std::string domain = o.string("domain");
    if (type == "sample") {
      DomainSample s;
      s.t = t;
      s.host = host;
      s.domain = domain;
      s.uuid = o.string("uuid", "");
      s.stats = read_stats(o.raw("stats"), where);
      s.line = line_no;
      trace.samples.push_back(std::move(s));
    } else if (type == "job") {
      JobRecord j;
      j.t = t;
      j.host = host;
      j.domain = domain;
      j.completed = o.boolean("completed");
      j.stats = read_stats(o.raw("stats"), where);
      j.line = line_no;
      trace.jobs.push_back(std::move(j));
    } else {
      EventRecord e;
      e.t = t;
      e.host = host;
      e.domain = domain;
      e.event = o.string("event");
      e.detail = o.has("detail") ? o.raw("detail") : nlohmann::json::object();
      e.line = line_no;
      trace.events.push_back(std::move(e));
    }
    o.finish();
  }
  if (!have_header) throw InputError(origin + ": no header record");
  return trace;
}

LibvirtTrace read_libvirt_trace(const std::string& path) {
  return parse_libvirt_trace(read_file(path), path);
}

TraceFileWriter::TraceFileWriter(const std::string& path) : path_(path), partial_(path + ".partial") {
  fd_ = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw EnvironmentError(partial_ + ": cannot create: " + std::string(std::strerror(errno)));
  }
}

TraceFileWriter::~TraceFileWriter() {
  if (fd_ >= 0) ::close(fd_);  // unfinished: the .partial file stays, with whole lines only
}

void TraceFileWriter::write_line(const std::string& line) {
  if (fd_ < 0) throw EnvironmentError(path_ + ": write after finish");
  if (line.empty() || line.back() != '\n') throw EnvironmentError("trace line without newline");
  // One write(2) per line; retried only for EINTR before anything was written.
  for (;;) {
    const ssize_t n = ::write(fd_, line.data(), line.size());
    if (n == static_cast<ssize_t>(line.size())) break;
    if (n < 0 && errno == EINTR) continue;
    throw EnvironmentError(partial_ + ": write failed: " +
                           std::string(n < 0 ? std::strerror(errno) : "short write"));
  }
  ++lines_;
}

void TraceFileWriter::finish() {
  if (fd_ < 0) return;
  if (::fsync(fd_) != 0) {
    throw EnvironmentError(partial_ + ": cannot sync: " + std::string(std::strerror(errno)));
  }
  ::close(fd_);
  fd_ = -1;
  if (::rename(partial_.c_str(), path_.c_str()) != 0) {
    throw EnvironmentError(path_ + ": cannot rename into place: " +
                           std::string(std::strerror(errno)));
  }
}

}  // namespace migsim::traces
