#pragma once
// What the application-impact model needs to know about a web application (APP.json): how it
// is asked (open-loop arrivals), how fast it answers, what its users tolerate, and the model's
// parameters for what a live migration does to it. Every key but the first three has a default.
//
//   arrival_rps        open-loop request rate (requests/s)                         required
//   service_ms         a request's service time on an undisturbed guest (ms)      required
//   slo_ms             requests slower than this are over the SLO (ms)              required
//   timeout_ms         a request unanswered by then is a timeout (ms)               5000
//   servers            requests served at once (worker threads, concurrency)        1
//   arrivals           "fixed" (one every 1/arrival_rps s) or "poisson" (seeded)    "fixed"
//   service            "fixed" (every request service_ms) or "exponential" (mean)   "fixed"
//   seed               seed of the random arrivals / service times                  1
//   precopy_slowdown   extra service time during the pre-copy, as a fraction of it
//                      (the migration thread's CPU, dirty logging): service_ms x
//                      (1 + precopy_slowdown), then / (1 - throttle) under auto-converge 0.1
//   switchover_ms      after the downtime QEMU reports, how long the guest stays
//                      unreachable (device state load, resume, announce-self/ARP)     20
//   syn_retry_s        a request whose connection is attempted while the guest is
//                      paused (QEMU's downtime) loses its SYN and is retried by the
//                      client's TCP after this long, then 2x, 4x ... (Linux: initial RTO
//                      1 s); one attempted in the switch-over after it only waits; 0 =
//                      it completes as soon as the guest is reachable again (kept
//                      connections)                                                 0
//   syn_lost_shift_ms  with syn_retry_s: the SYNs lost are those sent in the downtime
//                      shifted this much later (the end QEMU reports against the moment
//                      the destination takes the guest's address over)               0
//   syn_loss           with syn_retry_s: which attempts in the pause lose their SYN.
//                      "window": every one sent in the (shifted) downtime - right when
//                      the migration's timing is known to the ms (a measured one).
//                      "expected": round(arrival_rps x downtime) of them, the expected
//                      number, those sent nearest the downtime's middle - for a predicted
//                      migration, whose end is tens of ms off, so the arrivals' phase
//                      against the pause is unknown                              "expected"
//   warmup_s           `predict --app`: load before the migrate command (s)          2
//   drain_s            `predict --app`: load after the guest is reachable again (s)  3
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/json_input.hpp"

namespace migsim::models {

enum class ArrivalProcess { Fixed, Poisson };
enum class ServiceDistribution { Fixed, Exponential };
enum class SynLoss { Window, Expected };

struct AppParams {
  double arrival_rps = 0.0;
  double service_ms = 0.0;
  double slo_ms = 0.0;
  double timeout_ms = 5000.0;
  int servers = 1;
  ArrivalProcess arrivals = ArrivalProcess::Fixed;
  ServiceDistribution service = ServiceDistribution::Fixed;
  std::uint64_t seed = 1;
  double precopy_slowdown = 0.1;
  double switchover_ms = 20.0;
  double syn_retry_s = 0.0;
  double syn_lost_shift_ms = 0.0;
  SynLoss syn_loss = SynLoss::Expected;
  double warmup_s = 2.0;
  double drain_s = 3.0;
};

// Reads an APP.json object; every error names `o.where()`, the field and the value
// (InputError), unknown keys included.
AppParams app_params_from_json(JsonObject& o);
// The same for an object found inside another document (a cluster scenario's "app").
AppParams app_params_from_json(const nlohmann::json& j, const std::string& where);
// Reads APP.json.
AppParams read_app_params_file(const std::string& path);

const char* to_string(ArrivalProcess a);
const char* to_string(ServiceDistribution s);
const char* to_string(SynLoss s);
nlohmann::json to_json(const AppParams& p);

}  // namespace migsim::models
