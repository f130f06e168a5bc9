#pragma once
// The live policy controller: every interval it reads every domain's stats from
// the libvirt hosts, turns them into the simulator's cluster view
// (live/libvirt_cluster_view.hpp) and asks the SAME consolidation policy code the
// simulator runs (policies/: rule policy with sustain counts, MMT selection,
// power-aware placement, admission limits and cooldowns) which VMs to move; then
// live-migrates them through libvirt (or only reports them in a dry run).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace migsim::live {

struct ControllerSettings {
  std::string policy;              // rules file or policy name (policies/policy_loader.hpp)
  std::uint64_t seed = 42;         // the policy's random choices (RS selection)
  std::vector<std::string> uris;   // one per host (at least one)
  double interval_s = 1.0;         // between decisions; LR/LRR extrapolate over it
  double duration_s = 0.0;         // 0: until SIGINT / SIGTERM (live/stop_signal.hpp)
  double max_migrations = 0.0;     // stop after this many; 0: no limit
  double host_cpus = 0.0;          // CPUs per host for the policy; 0: as libvirt reports
  double host_ram_mib = 0.0;       // RAM per host for the policy (mem, placement); 0: as libvirt reports
  double bandwidth_mibps = 0.0;    // migrations; 0: unlimited
  double max_downtime_ms = 0.0;    // migrations; 0: keep the domain's setting
  bool auto_converge = false;
  double stall_timeout_s = 30.0;   // cancel a migration that sends nothing this long; 0: never
  double dirtyrate_every_s = 5.0;  // dirty-rate measurement per VM; 0: never
  bool dry_run = false;            // decide and report only (read-only connections)
  std::string log;                 // also write every line and decision as JSON lines here
  int vm_slots = 256;              // domains the policy is made for (the first ones seen)
};

struct ControllerResult {
  int migrations = 0;
  int failures = 0;
};

// Manages the domains running at the start and those that appear later (one
// step per interval: live/controller_core.hpp), with several migrations in
// flight within the policy's admission limits. Every status line, decision,
// migration report, check and host loss goes to `say` as one line. SIGINT /
// SIGTERM cancel the migrations in flight, the end of --duration or
// --max-migrations waits for them; each is reported and its domain checked.
// Errors: InputError for a bad policy (checked before connecting) or a URI
// listed twice; EnvironmentError when a host cannot be reached at the start
// (later, a host that stops answering is reported and reconnected).
ControllerResult run_controller(const ControllerSettings& s,
                                const std::function<void(const std::string&)>& say);

}  // namespace migsim::live
