#pragma once
// One real web run of `migsim validate record-web` (issue 12): the request stream, the web
// app's knobs, the guest with its dirtier/stressor and QEMU's migration settings (a
// `validate record` case), and when to migrate. A matrix file:
//   {"description": "...", "defaults": {...run keys...}, "runs": [{"name": ..., ...}, ...]}
// Run keys (all optional but "name"; defaults merge key by key, "work" and "guest" too):
//   name, split ("train" | "report"), note,
//   arrival_rps, arrivals ("fixed" | "poisson"), load_seed, duration_s, warmup_s,
//   migration_at_s (a number, or null = no migration), slo_ms, timeout_ms,
//   work: {cpu_ms, write_kib, buf_mib}            the web app's default request (webapp.c)
//   guest: {ram_mib, fill_mib, wss_mib, dirty_pages_per_sec, cpuload, max_bandwidth_mibps,
//           downtime_limit_ms, auto_converge, horizon_s, pti, ...}   as in `validate record`
// The scenario follows: "none" without migration_at_s, "auto-converge" with
// guest.auto_converge, "migrate" otherwise.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/input_bounds.hpp"
#include "sim/json_input.hpp"
#include "validation/validation_case.hpp"

namespace migsim::validation {

// The web app's knobs (defaults of GET /work, webapp.c).
struct WebWork {
  double cpu_ms = 2.0;     // CPU work per request
  double write_kib = 64;   // memory written per request
  double buf_mib = 16;     // ring buffer the writes cycle through
};

struct WebCase {
  std::string name;
  std::string split = "report";
  std::string note;
  double arrival_rps = 50;
  std::string arrivals = "fixed";
  int load_seed = 1;
  double duration_s = 20;
  double warmup_s = 2;
  std::optional<double> migration_at_s = 5.0;
  double slo_ms = 100;
  double timeout_ms = 5000;
  WebWork work;
  ValidationCase guest;  // name = the run's, split train|test

  std::string scenario() const;   // none | migrate | auto-converge
  std::size_t requests() const;   // due in [0, duration_s): ceil(rate x duration)
  std::string request_path() const;   // "/work?cpu_ms=2&write_kib=64"
  std::string kernel_cmdline() const; // migweb.* keys (the address is the harness's)
  nlohmann::json work_json() const;
  nlohmann::json to_json() const;
};

// Bounds of a web run's keys (checked by parse_web_matrix).
namespace web_bounds {
inline constexpr Bound kArrivalRps{0, 1000.0, true, "requests/s"};
inline constexpr Bound kDurationS{1, 600.0, false, "s"};
inline constexpr Bound kWarmupS{0, 60.0, false, "s"};
inline constexpr Bound kMigrationAtS{0, 600.0, true, "s"};
inline constexpr Bound kSloMs{0, 60000.0, true, "ms"};
inline constexpr Bound kTimeoutMs{0, 30000.0, true, "ms"};
inline constexpr Bound kCpuMs{0, 1000.0, false, "ms"};
inline constexpr Bound kWriteKib{0, 65536.0, false, "KiB"};
inline constexpr Bound kBufMib{1, 1024.0, false, "MiB"};
inline constexpr double kMaxRequests = 100000;  // bounds::kRequestCount
}  // namespace web_bounds

// Strict parsing: InputError "<file>: runs[i] '<name>'.<field>: ..." naming the value.
std::vector<WebCase> parse_web_matrix(const nlohmann::json& doc, const std::string& path);
std::vector<WebCase> read_web_matrix_file(const std::string& path);
// Whether a matrix document is a web matrix (it has "runs").
bool is_web_matrix(const nlohmann::json& doc);

}  // namespace migsim::validation
