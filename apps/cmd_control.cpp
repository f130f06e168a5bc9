// `migsim control`: flags and printing; the controller is live/controller.hpp.
#include <iostream>
#include <memory>

#include "apps/commands.hpp"
#include "apps/live_commands.hpp"
#include "live/controller.hpp"
#include "sim/input_error.hpp"

namespace migsim::cli {

namespace {

struct ControlOptions {
  std::string policy;
  std::vector<std::string> uris;
  std::string interval = "1", duration, host_cpus, host_ram, bandwidth = "unlimited", downtime,
              max_migrations, dirtyrate_every = "5", seed = "42", log, stall = "30";
  bool dry_run = false, auto_converge = false;
};

int run_control(const ControlOptions& o) {
  live::ControllerSettings s;
  s.policy = o.policy;
  s.uris = o.uris;
  s.interval_s = parse_bounded("--interval", o.interval, bounds::kIntervalS);
  if (s.interval_s < 0.2) throw InputError("--interval: at least 0.2 s, got '" + o.interval + "'");
  s.duration_s = o.duration.empty() ? 0.0 : parse_bounded("--duration", o.duration, bounds::kDurationS);
  s.host_cpus = o.host_cpus.empty() ? 0.0 : parse_bounded("--host-cpus", o.host_cpus, bounds::kCpus);
  s.host_ram_mib = o.host_ram.empty() ? 0.0 : parse_bounded("--host-ram-mib", o.host_ram, bounds::kMemoryMib);
  s.bandwidth_mibps = o.bandwidth == "unlimited" ? 0.0 : parse_bounded("--bandwidth", o.bandwidth, bounds::kBandwidthMibps);
  s.max_downtime_ms = o.downtime.empty() ? 0.0 : parse_bounded("--max-downtime", o.downtime, bounds::kDowntimeMs);
  s.max_migrations =
      o.max_migrations.empty() ? 0.0 : parse_bounded("--max-migrations", o.max_migrations, bounds::kCount);
  s.dirtyrate_every_s = parse_bounded("--dirtyrate-every", o.dirtyrate_every, bounds::kTimeS);
  s.seed = parse_seed("--seed", o.seed);
  s.auto_converge = o.auto_converge;
  s.stall_timeout_s = parse_bounded("--stall-timeout", o.stall, bounds::kTimeS);
  s.dry_run = o.dry_run;
  s.log = o.log;
  const live::ControllerResult r =
      live::run_controller(s, [](const std::string& line) { std::cout << line << std::endl; });
  return r.failures > 0 ? 1 : 0;
}

}  // namespace

void add_control_command(CLI::App& app, Action& action);
static const CommandRegistrar kRegisterControl(live_command("control").order, "control",
                                          add_control_command);

void add_control_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ControlOptions>();
  CLI::App* sub = app.add_subcommand("control", live_command("control").description);
  sub->footer(
      "Same policy code as the simulator. A rules file, e.g.\n"
      "  {\"type\": \"rules\", \"rules\": [{\"when\": \"cpu > 0.8\", \"for_samples\": 3}],\n"
      "   \"selection\": \"mmt\", \"admission\": {\"max_concurrent_per_host\": 1,\n"
      "   \"vm_cooldown_s\": 60, \"max_downtime_ms\": 500}}\n"
      "or a named policy (thr-mmt, mad-mc, ...). Host CPU = sum of its VMs' CPU use\n"
      "(cpu.time deltas, 1 vCPU = 1 host CPU) / its CPUs (--host-cpus overrides what\n"
      "libvirt reports). Manages the domains running at start and those that appear\n"
      "later; runs several migrations at once within the policy's admission limits.\n"
      "Keeps running when a migration fails (reported, its domain checked: a source left\n"
      "paused is resumed), stalls (nothing sent for --stall-timeout: cancelled, failed)\n"
      "or a host stops answering (reported, reconnected with backoff).\n"
      "Ctrl-C cancels the migrations in flight; the end of --duration waits for them.\n"
      "Exit 0, 1 if a migration failed, 2 bad input.\n\n"
      "Example (lab):\n"
      "  validation/lab/lab exec migsim control --policy rules.json --host-cpus 1 \\\n"
      "      --connect qemu+tcp://10.77.0.1/system --connect qemu+tcp://10.77.0.2/system\n");
  sub->add_option("--policy", o->policy, "Rules JSON file or policy name")->required();
  sub->add_option("--connect", o->uris, "libvirt URI of a host (repeat)")->required();
  sub->add_option("--interval", o->interval, "Seconds between decisions (default 1)");
  sub->add_option("--duration", o->duration, "Stop after this many seconds (default: SIGINT)");
  sub->add_option("--max-migrations", o->max_migrations, "Stop after this many migrations");
  sub->add_option("--host-cpus", o->host_cpus, "CPUs per host for the policy's utilisation");
  sub->add_option("--host-ram-mib", o->host_ram,
                  "RAM per host (MiB) for the policy's mem and placement (default: as libvirt reports)");
  sub->add_option("--bandwidth", o->bandwidth, "Migration bandwidth MiB/s or 'unlimited' (default)");
  sub->add_option("--max-downtime", o->downtime, "Migration downtime limit (ms)");
  sub->add_flag("--auto-converge", o->auto_converge, "Migrate with auto-converge");
  sub->add_option("--stall-timeout", o->stall,
                  "Cancel a migration that sends nothing for this many seconds (a failed migration; "
                  "the source keeps running; default 30, 0 = never)");
  sub->add_option("--dirtyrate-every", o->dirtyrate_every,
                  "Measure each VM's dirty rate this often, seconds (default 5; 0 = never)");
  sub->add_option("--seed", o->seed, "Seed of the policy's random choices (RS selection; default 42)");
  sub->add_flag("--dry-run", o->dry_run, "Print decisions only (read-only connections)");
  sub->add_option("--log", o->log, "Write every status line and decision as JSON lines here");
  sub->callback([o, &action] { action = [o] { return run_control(*o); }; });
}

}  // namespace migsim::cli
