#include "models/app_params.hpp"

#include "models/app_bounds.hpp"

namespace migsim::models {

AppParams app_params_from_json(JsonObject& o) {
  AppParams p;
  p.arrival_rps = o.number("arrival_rps", bounds::kRequestRateRps);
  p.service_ms = o.number("service_ms", app_bounds::kServiceMs);
  p.slo_ms = o.number("slo_ms", app_bounds::kServiceMs);
  p.timeout_ms = o.number("timeout_ms", p.timeout_ms, bounds::kRequestTimeoutMs);
  p.servers = static_cast<int>(o.integer("servers", p.servers, app_bounds::kServers));
  p.arrivals = o.choice("arrivals", {"fixed", "poisson"}, "fixed") == "poisson" ? ArrivalProcess::Poisson
                                                                                : ArrivalProcess::Fixed;
  p.service = o.choice("service", {"fixed", "exponential"}, "fixed") == "exponential"
                  ? ServiceDistribution::Exponential
                  : ServiceDistribution::Fixed;
  p.seed = static_cast<std::uint64_t>(o.integer("seed", 1, bounds::kSeed));
  p.precopy_slowdown = o.number("precopy_slowdown", p.precopy_slowdown, app_bounds::kSlowdown);
  p.switchover_ms = o.number("switchover_ms", p.switchover_ms, app_bounds::kSwitchoverMs);
  p.syn_retry_s = o.number("syn_retry_s", p.syn_retry_s, app_bounds::kSynRetryS);
  p.syn_lost_shift_ms = o.number("syn_lost_shift_ms", p.syn_lost_shift_ms, app_bounds::kSynLostShiftMs);
  p.syn_loss = o.choice("syn_loss", {"window", "expected"}, "expected") == "window" ? SynLoss::Window
                                                                                   : SynLoss::Expected;
  p.warmup_s = o.number("warmup_s", p.warmup_s, app_bounds::kPaddingS);
  p.drain_s = o.number("drain_s", p.drain_s, app_bounds::kPaddingS);
  o.finish();
  return p;
}

AppParams app_params_from_json(const nlohmann::json& j, const std::string& where) {
  JsonObject o(j, where);
  return app_params_from_json(o);
}

AppParams read_app_params_file(const std::string& path) {
  return app_params_from_json(read_json_file(path), path);
}

const char* to_string(ArrivalProcess a) { return a == ArrivalProcess::Poisson ? "poisson" : "fixed"; }
const char* to_string(ServiceDistribution s) {
  return s == ServiceDistribution::Exponential ? "exponential" : "fixed";
}
const char* to_string(SynLoss s) { return s == SynLoss::Window ? "window" : "expected"; }

nlohmann::json to_json(const AppParams& p) {
  return {{"arrival_rps", p.arrival_rps},
          {"service_ms", p.service_ms},
          {"slo_ms", p.slo_ms},
          {"timeout_ms", p.timeout_ms},
          {"servers", p.servers},
          {"arrivals", to_string(p.arrivals)},
          {"service", to_string(p.service)},
          {"seed", p.seed},
          {"precopy_slowdown", p.precopy_slowdown},
          {"switchover_ms", p.switchover_ms},
          {"syn_retry_s", p.syn_retry_s},
          {"syn_lost_shift_ms", p.syn_lost_shift_ms},
          {"syn_loss", to_string(p.syn_loss)},
          {"warmup_s", p.warmup_s},
          {"drain_s", p.drain_s}};
}

}  // namespace migsim::models
