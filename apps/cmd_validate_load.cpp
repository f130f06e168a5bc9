// `migsim validate load`: the open-loop load generator of the web runs (issue 12 item 3) on
// its own, against any HTTP server the allow-list admits (the lab's guests, a local server):
// requests sent when due whatever the answers, then a summary (latency percentiles, longest
// stall, failures by kind) and, with --json, the 100 ms windows. The logic is
// validation/load_generator.hpp.
#include <iostream>
#include <map>
#include <memory>

#include "apps/commands.hpp"
#include "models/app_impact_model.hpp"
#include "models/request_log.hpp"
#include "sim/input_bounds.hpp"
#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"
#include "validation/load_generator.hpp"
#include "validation/web_record_writer.hpp"

namespace migsim::cli {

namespace {

struct LoadOptions {
  std::string target, rate = "10", duration = "10", timeout = "1000", slo = "100", arrivals = "fixed";
  std::string netns, requests_out, seed = "1";
  std::vector<std::string> allow{"127.0.0.0/8"};
  bool json = false;
};

int run_load(const LoadOptions& o) {
  validation::LoadSpec spec;
  spec.target = validation::parse_http_target("target", o.target);
  spec.rate_rps = parse_bounded("--rate", o.rate, bounds::kRequestRateRps);
  spec.duration_s = parse_bounded("--duration", o.duration, bounds::kLoadDurationS);
  spec.timeout_ms = parse_bounded("--timeout-ms", o.timeout, bounds::kRequestTimeoutMs);
  const double slo_ms = parse_bounded("--slo-ms", o.slo, bounds::kRequestTimeoutMs);
  if (o.arrivals != "fixed" && o.arrivals != "poisson") {
    throw InputError("--arrivals: expected fixed or poisson, got '" + o.arrivals + "'");
  }
  spec.arrivals = o.arrivals == "fixed" ? validation::Arrivals::fixed : validation::Arrivals::poisson;
  spec.seed = static_cast<std::uint64_t>(parse_bounded("--seed", o.seed, bounds::kSeed));
  for (const auto& p : o.allow) spec.allowed.push_back(validation::parse_ipv4_prefix("--allow", p));
  spec.netns = o.netns;
  validation::check_load_spec(spec);

  const validation::LoadLog log = validation::run_open_loop(spec);
  const auto records = log.records();
  const models::RequestSummary s = models::summarize_requests(records, slo_ms);
  std::map<std::string, std::size_t> failures;
  for (const auto& r : log.requests) {
    if (r.failure != validation::RequestFailure::none) ++failures[validation::failure_name(r.failure)];
  }
  if (!o.requests_out.empty()) {
    traces::write_file_atomically(o.requests_out, validation::request_log_jsonl(log));
  }
  if (o.json) {
    nlohmann::json j = {{"target", validation::to_string(spec.target)},
                        {"rate_rps", spec.rate_rps},
                        {"duration_s", spec.duration_s},
                        {"timeout_ms", spec.timeout_ms},
                        {"slo_ms", slo_ms},
                        {"arrivals", o.arrivals},
                        {"stopped_early", log.stopped_early},
                        {"summary", models::to_json(s)},
                        {"failures", failures},
                        {"windows", models::to_json(models::request_windows(records, models::kAppWindowS,
                                                                            spec.duration_s + spec.timeout_ms / 1000.0))}};
    print_json(j.dump(2));
  } else {
    std::cout << "target           " << validation::to_string(spec.target) << "\n"
              << "requests         " << s.requests << " (" << s.completed << " ok, " << s.errors << " errors, "
              << s.timeouts << " timeouts" << (log.stopped_early ? "; stopped early" : "") << ")\n"
              << "latency          p50 " << s.p50_ms << " ms, p99 " << s.p99_ms << " ms, max " << s.max_ms << " ms\n"
              << "longest stall    " << s.max_stall_ms << " ms\n"
              << "over " << slo_ms << " ms SLO  " << s.requests_over_slo << "\n";
    for (const auto& [kind, n] : failures) std::cout << "failed           " << n << " " << kind << "\n";
  }
  return 0;
}

}  // namespace

// Registers `validate load` under the `validate` command (called by cmd_validate.cpp).
void add_validate_load(CLI::App& validate, Action& action) {
  auto o = std::make_shared<LoadOptions>();
  CLI::App* sub = validate.add_subcommand(
      "load",
      "Send an open-loop HTTP request stream (each request on a new connection when it is due, whatever "
      "happened to the earlier ones: a paused server shows as latency, not as fewer requests) and print "
      "latency percentiles, the longest stall and the failures by kind.");
  sub->footer(
      "Traffic goes only to an address inside an --allow prefix (default 127.0.0.0/8: loopback only).\n"
      "Example (the lab's web guest, from the lab's client namespace, see validation/lab/README.md):\n"
      "  migsim validate load 10.78.0.10:80/ --rate 50 --duration 20 --allow 10.78.0.0/24 \\\n"
      "      --netns migsim-lab-c --json\n"
      "Exit 0 when the stream ran (whatever the server answered), 2 bad input.\n");
  sub->add_option("target", o->target, "IP:PORT[/path] (a dotted-quad address, no host names)")->required();
  sub->add_option("--rate", o->rate, "Requests per second")->capture_default_str();
  sub->add_option("--duration", o->duration, "Seconds during which requests are due")->capture_default_str();
  sub->add_option("--timeout-ms", o->timeout, "A request's timeout from its due time")->capture_default_str();
  sub->add_option("--slo-ms", o->slo, "Latency SLO for requests_over_slo")->capture_default_str();
  sub->add_option("--arrivals", o->arrivals, "fixed (every 1/rate s) or poisson (seeded)")->capture_default_str();
  sub->add_option("--seed", o->seed, "Seed of Poisson arrivals")->capture_default_str();
  sub->add_option("--allow", o->allow, "IPv4 prefix the target must be in (repeatable)")->capture_default_str();
  sub->add_option("--netns", o->netns, "Send from this network namespace (/run/netns/NAME)");
  sub->add_option("--requests-out", o->requests_out, "Write every request (JSON lines) to this file");
  sub->add_flag("--json", o->json, "Print the summary, failures and 100 ms windows as JSON");
  sub->callback([o, &action] { action = [o] { return run_load(*o); }; });
}

}  // namespace migsim::cli
