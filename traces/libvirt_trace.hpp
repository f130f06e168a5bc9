#pragma once
// The libvirt trace format, version 1: JSON lines written by `migsim capture` and read
// by `migsim replay` (format documented in traces/README-libvirt-trace.md).
//
//   line 1   {"type":"header","format":"migsim-libvirt-trace","version":1,...}
//   then     {"type":"sample","t":S,"host":H,"domain":D,"uuid":U,"stats":{...}}
//            {"type":"job","t":S,"host":H,"domain":D,"completed":B,"stats":{...}}
//            {"type":"event","t":S,"host":H,"domain":D,"event":E,"detail":{...}}
// `t` is seconds since the capture started (monotonic clock), non-decreasing over
// the file. `stats` holds libvirt's typed parameters under libvirt's own names
// ("cpu.time", "vcpu.0.time", "balloon.rss", "dirtyrate.megabytes_per_second",
// job stats "time_elapsed", "memory_iteration", ...), numbers or strings.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace migsim::traces {

inline constexpr const char* kLibvirtTraceFormat = "migsim-libvirt-trace";
inline constexpr int kLibvirtTraceVersion = 1;

struct TraceHost {
  std::string name;      // hostname libvirt reports (virConnectGetHostname)
  std::string uri;       // the URI the capture connected to
  double cpus = 0.0;     // host CPUs (virNodeGetInfo)
  double memory_kib = 0.0;
};

struct LibvirtTraceHeader {
  int version = kLibvirtTraceVersion;
  std::string created_utc;          // ISO 8601, informational
  std::string tool;                 // "migsim 0.1.0"
  double interval_s = 1.0;          // domain stats cadence
  double dirtyrate_every_s = 0.0;   // 0: no dirty-rate measurements
  int dirtyrate_calc_s = 1;         // length of one page-sampling measurement
  double job_interval_s = 0.5;      // job stats cadence during migrations
  std::vector<TraceHost> hosts;
};

// Typed parameters of one libvirt record: numbers and strings kept apart.
struct StatValues {
  std::map<std::string, double> numbers;
  std::map<std::string, std::string> strings;
  bool has(const std::string& key) const { return numbers.count(key) != 0; }
  // The number, or InputError naming `where` and the key when it is absent.
  double at(const std::string& key, const std::string& where) const;
};

struct DomainSample {
  double t = 0.0;
  std::string host, domain, uuid;
  StatValues stats;
  int line = 0;  // line in the trace file (for error messages); 0 when built in memory
};

struct JobRecord {
  double t = 0.0;
  std::string host, domain;
  bool completed = false;  // true: VIR_DOMAIN_JOB_STATS_COMPLETED after the job ended
  StatValues stats;
  int line = 0;
};

struct EventRecord {
  double t = 0.0;
  std::string host, domain;
  std::string event;       // e.g. "migration-started", "migration-finished", "domain-gone"
  nlohmann::json detail = nlohmann::json::object();
  int line = 0;
};

struct LibvirtTrace {
  LibvirtTraceHeader header;
  std::vector<DomainSample> samples;
  std::vector<JobRecord> jobs;
  std::vector<EventRecord> events;
};

// One record as one line of JSON (with the trailing '\n').
std::string header_line(const LibvirtTraceHeader& h);
std::string sample_line(const DomainSample& s);
std::string job_line(const JobRecord& j);
std::string event_line(const EventRecord& e);

// Strict reader. Every error is an InputError naming the origin, the line, the
// field and the value: a missing header, another format or a newer version,
// unknown record types or keys, missing fields, a truncated last line,
// timestamps that go backwards.
LibvirtTrace parse_libvirt_trace(const std::string& text, const std::string& origin);
LibvirtTrace read_libvirt_trace(const std::string& path);

// Streams whole lines to `path`: each line goes out in one write(2), so a reader
// never sees a partial line even when the writer is interrupted. Lines go to
// "<path>.partial"; finish() syncs it and renames it over `path` (atomic publish).
class TraceFileWriter {
 public:
  explicit TraceFileWriter(const std::string& path);
  ~TraceFileWriter();
  TraceFileWriter(const TraceFileWriter&) = delete;
  TraceFileWriter& operator=(const TraceFileWriter&) = delete;

  void write_line(const std::string& line);  // must end in '\n'
  void finish();
  std::int64_t lines() const { return lines_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_, partial_;
  int fd_ = -1;
  std::int64_t lines_ = 0;
};

}  // namespace migsim::traces
