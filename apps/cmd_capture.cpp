// `migsim capture`: flags and the summary; the capture loop is live/capture.hpp.
#include <cmath>
#include <iostream>
#include <memory>

#include "apps/commands.hpp"
#include "apps/live_commands.hpp"
#include "live/capture.hpp"
#include "sim/input_error.hpp"

namespace migsim::cli {

namespace {

struct CaptureOptions {
  std::vector<std::string> uris, domains;
  std::string interval = "1s", out, duration, dirtyrate_every = "5s", dirtyrate_calc = "1",
              job_interval = "500ms", reconnect_for = "120s";
  bool quiet = false;
};

// "1s", "500ms", "2" (seconds) -> seconds.
double parse_duration_s(const std::string& flag, const std::string& text) {
  std::string num = text;
  double scale = 1.0;
  if (text.size() > 2 && text.compare(text.size() - 2, 2, "ms") == 0) {
    num = text.substr(0, text.size() - 2);
    scale = 0.001;
  } else if (!text.empty() && text.back() == 's') {
    num = text.substr(0, text.size() - 1);
  }
  return parse_bounded(flag, num, bounds::kTimeS) * scale;
}

live::CaptureSettings settings_from(const CaptureOptions& o) {
  live::CaptureSettings s;
  s.uris = o.uris;
  s.domains = o.domains;
  s.out = o.out;
  s.interval_s = parse_duration_s("--interval", o.interval);
  if (s.interval_s < 0.1) throw InputError("--interval: at least 100ms, got '" + o.interval + "'");
  s.job_interval_s = parse_duration_s("--job-interval", o.job_interval);
  if (s.job_interval_s < 0.05 || s.job_interval_s > 0.5) {
    throw InputError("--job-interval: between 50ms and 500ms, got '" + o.job_interval + "'");
  }
  s.dirtyrate_every_s = parse_duration_s("--dirtyrate-every", o.dirtyrate_every);
  const double dirty_calc = parse_positive("--dirtyrate-calc-s", o.dirtyrate_calc);
  if (dirty_calc != std::floor(dirty_calc) || dirty_calc > 60) {
    throw InputError("--dirtyrate-calc-s: a whole number of seconds 1..60, got '" +
                     o.dirtyrate_calc + "'");
  }
  s.dirtyrate_calc_s = static_cast<int>(dirty_calc);
  if (s.dirtyrate_every_s > 0 && s.dirtyrate_every_s < dirty_calc) {
    throw InputError("--dirtyrate-every: shorter than --dirtyrate-calc-s ('" +
                     o.dirtyrate_every + "')");
  }
  s.duration_s = o.duration.empty() ? 0.0 : parse_duration_s("--duration", o.duration);
  s.reconnect_for_s = parse_duration_s("--reconnect-for", o.reconnect_for);
  return s;
}

int run_capture(const CaptureOptions& o) {
  if (o.uris.empty()) throw InputError("--connect: at least one libvirt URI is required");
  const live::CaptureResult r = live::capture_trace(
      settings_from(o), [](const std::string& line) { std::cerr << "migsim capture: " << line << "\n"; });
  if (!o.quiet) {
    std::cerr << "migsim capture: " << r.records << " records in " << r.path
              << (r.stopped_by_signal ? " (stopped by signal)" : "") << "\n";
  }
  return 0;
}

}  // namespace

void add_capture_command(CLI::App& app, Action& action);
static const CommandRegistrar kRegisterCapture(live_command("capture").order, "capture",
                                          add_capture_command);

void add_capture_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<CaptureOptions>();
  CLI::App* sub = app.add_subcommand("capture", live_command("capture").description);
  sub->footer(
      "Per running domain every --interval: cpu.time, vcpu.*, balloon.*, block.*, net.*,\n"
      "state and dirtyrate.* (virConnectGetAllDomainStats on a read-only connection);\n"
      "every --dirtyrate-every a page-sampling dirty-rate measurement is started (this\n"
      "alone needs a read-write connection; 0 disables it); while a domain has a job\n"
      "(a migration), its job stats every --job-interval (<= 500ms), and the completed\n"
      "job's stats at its end. Runs until --duration or SIGINT/SIGTERM; the trace is\n"
      "written as <out>.partial (whole lines only) and renamed to <out> when done.\n"
      "Format: traces/README-libvirt-trace.md.\n\n"
      "Example:\n"
      "  validation/lab/lab exec migsim capture --connect qemu+tcp://10.77.0.1/system \\\n"
      "      --connect qemu+tcp://10.77.0.2/system --interval 1s --out trace.jsonl\n");
  sub->add_option("--connect", o->uris, "libvirt URI (repeat for several hosts)")->required();
  sub->add_option("--out", o->out, "Trace file to write (JSON lines)")->required();
  sub->add_option("--interval", o->interval, "Domain stats cadence: 1s (default), 500ms, ...");
  sub->add_option("--duration", o->duration, "Stop after this long (default: until SIGINT)");
  sub->add_option("--domain", o->domains, "Only these domains (repeatable; must exist)");
  sub->add_option("--dirtyrate-every", o->dirtyrate_every,
                  "Start a dirty-rate measurement this often per domain (default 5s; 0 = never)");
  sub->add_option("--dirtyrate-calc-s", o->dirtyrate_calc,
                  "Length of one dirty-rate measurement in whole seconds (default 1)");
  sub->add_option("--job-interval", o->job_interval, "Job stats cadence (default 500ms)");
  sub->add_option("--reconnect-for", o->reconnect_for,
                  "How long to keep reconnecting a host that stopped answering (default 120s); "
                  "the gap gets \"gap\" events in the trace");
  sub->add_flag("--quiet", o->quiet, "No summary on stderr");
  sub->callback([o, &action] { action = [o] { return run_capture(*o); }; });
}

}  // namespace migsim::cli
