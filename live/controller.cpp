#include "live/controller.hpp"

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "live/controller_core.hpp"
#include "live/libvirt_live_cluster.hpp"
#include "live/stop_signal.hpp"
#include "models/migration_timer.hpp"
#include "models/power_model.hpp"
#include "policies/policy_loader.hpp"
#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"

namespace migsim::live {

ControllerResult run_controller(const ControllerSettings& s,
                                const std::function<void(const std::string&)>& say_line) {
  install_stop_handlers();
  if (s.uris.empty()) throw InputError("--connect: at least one libvirt URI is required");
  // The policy file is checked before any connection is made.
  models::PrecopyMigrationTimer::Settings ts;
  ts.qemu.max_bandwidth_mibps = s.bandwidth_mibps;
  if (s.max_downtime_ms > 0) ts.qemu.downtime_limit_ms = s.max_downtime_ms;
  ts.qemu.auto_converge = s.auto_converge;
  const auto timer = std::make_unique<models::PrecopyMigrationTimer>(ts);
  policies::PolicyContext pc;
  pc.interval_s = s.interval_s;
  pc.seed = s.seed;
  pc.timer = timer.get();
  (void)policies::load_policy(s.policy, pc);

  LibvirtLiveCluster cluster(s.uris, s.dry_run, s.host_cpus, s.host_ram_mib);
  pc.hosts = cluster.host_count();
  pc.vms = s.vm_slots;
  const auto policy = policies::load_policy(s.policy, pc);

  std::string log;
  auto say = [&](const std::string& line, const nlohmann::json& record) {
    say_line(line);
    log += nlohmann::json{{"text", line}}.dump() + "\n";
    if (record.is_object()) log += record.dump() + "\n";
  };
  say("controller: policy " + policy->name() + ", " + std::to_string(cluster.host_count()) + " hosts" +
          (s.dry_run ? ", DRY RUN" : ""),
      nullptr);

  CoreSettings cs;
  cs.dry_run = s.dry_run;
  cs.bandwidth_mibps = s.bandwidth_mibps;
  cs.max_downtime_ms = s.max_downtime_ms;
  cs.auto_converge = s.auto_converge;
  cs.stall_timeout_s = s.stall_timeout_s;
  cs.dirtyrate_every_s = s.dirtyrate_every_s;
  cs.max_migrations = s.max_migrations;
  cs.vm_slots = s.vm_slots;
  ControllerCore core(cluster, *policy, models::builtin_power_model("hp-ml110-g5"), cs, say);

  const auto t0 = std::chrono::steady_clock::now();
  auto now_s = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  double next = 0;
  bool limit_said = false;
  while (!stop_requested()) {
    const double t = now_s();
    if (s.duration_s > 0 && t >= s.duration_s) break;
    core.step(t);
    if (core.limit_reached()) {
      if (!limit_said) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "controller: reached --max-migrations %g", s.max_migrations);
        say(buf, nullptr);
        limit_said = true;
      }
      if (core.in_flight() == 0) {
        core.step(now_s());  // reports and checks the last one
        break;
      }
    }
    next += s.interval_s;
    if (next < now_s()) next = now_s();
    while (!stop_requested() && now_s() < next) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Ctrl-C cancels the migrations in flight (each source keeps running); the
  // end of --duration lets them finish. Either way each is reported and checked.
  core.finish(now_s, stop_requested());
  const CoreCounts& c = core.counts();
  char buf[200];
  std::snprintf(buf, sizeof buf, "controller: %d migrations started, %d ok, %d failed, %d repairs", c.started,
                c.succeeded, c.failed, c.repairs);
  say(buf, nullptr);
  if (!s.log.empty()) traces::write_file_atomically(s.log, log);
  return {c.succeeded + c.failed, c.failed};
}

}  // namespace migsim::live
