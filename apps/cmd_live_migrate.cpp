// `migsim live-migrate`: one real live migration between two libvirt URIs, with the
// job followed while it runs and a final report (scripts/live-migrate calls it).
// Flags and printing; the migration is live/libvirt_migration.hpp.
#include <cstdio>
#include <iostream>
#include <memory>

#include "apps/commands.hpp"
#include "apps/live_commands.hpp"
#include "live/libvirt_migration.hpp"
#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"

namespace migsim::cli {

namespace {

struct LiveMigrateOptions {
  std::string domain, from, to, bandwidth = "unlimited", downtime, timeout, poll = "500", stall = "30";
  std::string json_out;
  bool auto_converge = false, json = false, quiet = false, keep_source = false;
};

int run_live_migrate(const LiveMigrateOptions& o) {
  live::LiveMigrationRequest req;
  req.domain = o.domain;
  req.bandwidth_mibps =
      o.bandwidth == "unlimited" ? 0.0 : parse_bounded("--bandwidth", o.bandwidth, bounds::kBandwidthMibps);
  req.max_downtime_ms = o.downtime.empty() ? 0.0 : parse_bounded("--max-downtime", o.downtime, bounds::kDowntimeMs);
  req.timeout_s = o.timeout.empty() ? 0.0 : parse_bounded("--timeout", o.timeout, bounds::kDurationS);
  req.poll_ms = parse_positive("--poll-ms", o.poll);
  req.stall_timeout_s = parse_bounded("--stall-timeout", o.stall, bounds::kTimeS);
  if (req.poll_ms > 500.0) throw InputError("--poll-ms: at most 500, got '" + o.poll + "'");
  req.auto_converge = o.auto_converge;
  req.undefine_source = !o.keep_source;
  if (o.from == o.to) throw InputError("--to: same URI as --from ('" + o.from + "')");

  live::ProgressFn progress;
  if (!o.quiet && !o.json) {
    progress = [](const live::JobSnapshot& s) {
      std::fprintf(stderr, "%s\n", live::format_progress(s).c_str());
    };
  }
  const live::NoticeFn notice = [](const std::string& line) {
    std::cerr << "migsim live-migrate: " << line << "\n";
  };
  const live::LiveMigrationReport rep = live::live_migrate(o.from, o.to, req, progress, notice);
  const nlohmann::json j = live::to_json(rep, true);
  if (!o.json_out.empty()) traces::write_file_atomically(o.json_out, j.dump(2) + "\n");
  if (o.json) {
    print_json(j.dump(2));
  } else {
    std::cout << live::format_report(rep);
  }
  if (!rep.ok) {
    std::cerr << "migsim live-migrate: migration of '" << rep.domain << "' failed: " << rep.error
              << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void add_live_migrate_command(CLI::App& app, Action& action);
static const CommandRegistrar kRegisterLiveMigrate(live_command("live-migrate").order, "live-migrate",
                                          add_live_migrate_command);

void add_live_migrate_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<LiveMigrateOptions>();
  CLI::App* sub = app.add_subcommand("live-migrate", live_command("live-migrate").description);
  sub->footer(
      "libvirt leaves QEMU's max-bandwidth UNLIMITED unless --bandwidth is given (the\n"
      "limit then applies to the copy passes only; the stop-and-copy runs at full speed).\n"
      "--timeout pauses the guest after that many seconds, like virsh --timeout.\n"
      "The report comes from the source's completed-job stats; the source definition is\n"
      "removed afterwards unless --keep-source. A job that sends nothing for --stall-timeout\n"
      "seconds (a link down or dropping packets, a destination that stopped reading) is\n"
      "cancelled. After a failure both hosts are checked as `migsim control` does (a source\n"
      "left paused by the migration is resumed, a stale paused copy destroyed) and the report\n"
      "says where the guest is. A destination that refuses the connection is a failed\n"
      "migration too. Exit 0 ok, 1 migration failed, 2 bad input.\n\n"
      "Example (in the lab, see validation/lab/lab):\n"
      "  validation/lab/lab exec migsim live-migrate g1 --from qemu+tcp://10.77.0.1/system \\\n"
      "      --to qemu+tcp://10.77.0.2/system --bandwidth 64 --max-downtime 300 --json\n");
  sub->add_option("domain", o->domain, "Domain name")->required();
  sub->add_option("--from", o->from, "Source libvirt URI")->required();
  sub->add_option("--to", o->to, "Destination libvirt URI")->required();
  sub->add_option("--bandwidth", o->bandwidth,
                  "Max bandwidth of the copy passes, MiB/s, or 'unlimited' (default)");
  sub->add_option("--max-downtime", o->downtime, "QEMU downtime-limit in ms (default: keep)");
  sub->add_flag("--auto-converge", o->auto_converge, "Enable auto-converge (vCPU throttling)");
  sub->add_option("--timeout", o->timeout, "Pause the guest after this many seconds");
  sub->add_option("--poll-ms", o->poll, "Job stats cadence while running (default 500, max 500)");
  sub->add_option("--stall-timeout", o->stall,
                  "Cancel the job after this many seconds without a byte sent (default 30, 0 = never)");
  sub->add_flag("--keep-source", o->keep_source, "Keep the (shut off) source definition");
  sub->add_flag("--json", o->json, "Print the report as JSON (with the job stats followed)");
  sub->add_option("--json-out", o->json_out, "Also write the JSON report to this file");
  sub->add_flag("--quiet", o->quiet, "No progress lines on stderr");
  sub->callback([o, &action] { action = [o] { return run_live_migrate(*o); }; });
}

}  // namespace migsim::cli
