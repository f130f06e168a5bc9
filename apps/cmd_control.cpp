// `migsim control`: the live policy controller. Every --interval it reads every
// domain's stats from the libvirt hosts, turns them into the simulator's cluster
// view (live/libvirt_cluster_view.hpp) and asks the SAME consolidation policy
// code the simulator runs (policies/: rule policy with sustain counts, MMT
// selection, power-aware placement, admission limits and cooldowns) which VMs to
// move; then live-migrates them through libvirt (or only prints with --dry-run).
#include <signal.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "apps/commands.hpp"
#include "live/libvirt_client.hpp"
#include "live/libvirt_cluster_view.hpp"
#include "live/libvirt_migration.hpp"
#include "models/migration_timer.hpp"
#include "models/power_model.hpp"
#include "policies/policy_loader.hpp"
#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"
#include "traces/libvirt_sample_readers.hpp"

namespace migsim::cli {

namespace {

volatile sig_atomic_t g_stop_control = 0;
void on_control_signal(int) { g_stop_control = 1; }

struct ControlOptions {
  std::string policy;
  std::vector<std::string> uris;
  std::string interval = "1", duration, host_cpus, bandwidth = "unlimited", downtime,
              max_migrations, dirtyrate_every = "5", seed = "42", log;
  bool dry_run = false, auto_converge = false;
};

struct LiveHost {
  std::unique_ptr<live::LibvirtConnection> conn;
  live::ViewHost view;
};

class Controller {
 public:
  explicit Controller(const ControlOptions& o) : o_(o) {}

  int run() {
    interval_ = parse_positive("--interval", o_.interval);
    if (interval_ < 0.2) throw InputError("--interval: at least 0.2 s, got '" + o_.interval + "'");
    const double duration = o_.duration.empty() ? 0.0 : parse_positive("--duration", o_.duration);
    const double host_cpus = o_.host_cpus.empty() ? 0.0 : parse_positive("--host-cpus", o_.host_cpus);
    bandwidth_ = o_.bandwidth == "unlimited" ? 0.0 : parse_positive("--bandwidth", o_.bandwidth);
    downtime_ = o_.downtime.empty() ? 0.0 : parse_positive("--max-downtime", o_.downtime);
    const double max_mig = o_.max_migrations.empty() ? 0.0
                                                     : parse_positive("--max-migrations", o_.max_migrations);
    const double dirty_every = parse_non_negative("--dirtyrate-every", o_.dirtyrate_every);
    if (o_.uris.empty()) throw InputError("--connect: at least one libvirt URI is required");

    // The policy file is checked before any connection is made.
    models::PrecopyMigrationTimer::Settings ts;
    ts.qemu.max_bandwidth_mibps = bandwidth_;
    if (downtime_ > 0) ts.qemu.downtime_limit_ms = downtime_;
    ts.qemu.auto_converge = o_.auto_converge;
    timer_ = std::make_unique<models::PrecopyMigrationTimer>(ts);
    policies::PolicyContext pc;
    pc.interval_s = interval_;
    pc.seed = parse_seed("--seed", o_.seed);
    pc.timer = timer_.get();
    (void)policies::load_policy(o_.policy, pc);

    for (const auto& uri : o_.uris) {
      LiveHost h;
      h.conn = std::make_unique<live::LibvirtConnection>(uri, o_.dry_run);
      const live::NodeSummary n = h.conn->node();
      h.view = {n.hostname, host_cpus > 0 ? host_cpus : n.cpus, n.memory_kib / 1024.0};
      for (const auto& other : hosts_) {
        if (other.view.name == n.hostname) {
          throw InputError("--connect: two URIs reach the same host '" + n.hostname + "'");
        }
      }
      hosts_.push_back(std::move(h));
    }
    // The VMs: every running domain at the start (one index each, for the policy).
    for (std::size_t hi = 0; hi < hosts_.size(); ++hi) {
      for (const auto& name : hosts_[hi].conn->domain_names(true)) {
        live::ViewVm v;
        v.name = name;
        v.host = static_cast<int>(hi);
        vms_.push_back(v);
        last_dirty_start_.push_back(-1);
        last_dirty_calc_.push_back(-1e9);
      }
    }
    if (vms_.empty()) throw InputError("--connect: no running domain on any host");
    std::vector<live::ViewHost> view_hosts;
    for (const auto& h : hosts_) view_hosts.push_back(h.view);
    pc.hosts = static_cast<int>(hosts_.size());
    pc.vms = static_cast<int>(vms_.size());
    policy_ = policies::load_policy(o_.policy, pc);
    power_ = models::builtin_power_model("hp-ml110-g5");
    say("controller: policy " + policy_->name() + ", " + std::to_string(hosts_.size()) +
        " hosts, " + std::to_string(vms_.size()) + " VMs" + (o_.dry_run ? ", DRY RUN" : ""));

    const auto t0 = std::chrono::steady_clock::now();
    auto now_s = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    double next = 0;
    while (!g_stop_control) {
      const double t = now_s();
      if (duration > 0 && t >= duration) break;
      observe(t, dirty_every);
      sim::Placement p = live::make_placement(view_hosts, vms_, power_);
      status_line(t, p);
      const auto orders = policy_->optimize(p, t);
      for (const auto& order : orders) {
        act(order, t, now_s);
        if (max_mig > 0 && migrations_ >= max_mig) break;
      }
      if (max_mig > 0 && migrations_ >= max_mig) {
        say("controller: reached --max-migrations " + o_.max_migrations);
        break;
      }
      next += interval_;
      if (next < now_s()) next = now_s();
      while (!g_stop_control && now_s() < next) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    if (!o_.log.empty()) traces::write_file_atomically(o_.log, log_);
    return failures_ > 0 ? 1 : 0;
  }

 private:
  void say(const std::string& line) {
    std::cout << line << std::endl;
    log_ += nlohmann::json{{"text", line}}.dump() + "\n";
  }

  int vm_index(const std::string& name) const {
    for (std::size_t i = 0; i < vms_.size(); ++i) {
      if (vms_[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }

  void observe(double t, double dirty_every) {
    std::vector<char> seen(vms_.size(), 0);
    for (std::size_t hi = 0; hi < hosts_.size(); ++hi) {
      const auto& h = hosts_[hi];
      for (const auto& r : h.conn->all_domain_stats(true)) {
        const int v = vm_index(r.name);
        if (v < 0) continue;  // started after the controller: not managed
        traces::DomainSample s;
        s.t = t;
        s.host = h.view.name;
        s.domain = r.name;
        s.stats = r.stats;
        const std::string where = h.conn->uri() + " domain " + r.name;
        auto& vm = vms_[static_cast<std::size_t>(v)];
        vm.host = static_cast<int>(hi);
        vm.vcpus = traces::sample_vcpus(s, where);
        vm.ram_mib = traces::sample_ram_mib(s, where);
        if (s.stats.has("balloon.rss")) {
          vm.wss_mib = std::min(vm.ram_mib, s.stats.at("balloon.rss", where) / 1024.0);
        }
        if (const auto u = meter_.update(s, where)) {
          vm.util = *u;
          vm.history.push_back(*u);
          if (vm.history.size() > 30) vm.history.erase(vm.history.begin());
        }
        if (const auto d = traces::new_dirty_rate(s, last_dirty_start_[static_cast<std::size_t>(v)])) {
          vm.dirty_pages_per_sec = *d;
        }
        seen[static_cast<std::size_t>(v)] = 1;
        if (!o_.dry_run && dirty_every > 0 &&
            t - last_dirty_calc_[static_cast<std::size_t>(v)] >= dirty_every) {
          last_dirty_calc_[static_cast<std::size_t>(v)] = t;
          try {
            h.conn->start_dirty_rate_calc(r.name, 1);
          } catch (const std::exception&) {
            // A measurement still running; the next one will do.
          }
        }
      }
    }
    for (std::size_t v = 0; v < vms_.size(); ++v) {
      if (!seen[v]) vms_[v].host = -1;  // stopped (or mid-migration): not placed
    }
  }

  void status_line(double t, const sim::Placement& p) {
    char buf[160];
    std::string line;
    std::snprintf(buf, sizeof buf, "t=%6.1fs", t);
    line = buf;
    for (int h = 0; h < p.host_count(); ++h) {
      std::snprintf(buf, sizeof buf, "  %s cpu=%.2f [", hosts_[static_cast<std::size_t>(h)].view.name.c_str(),
                    p.requested_mips_on(h) / p.host(h).total_mips());
      line += buf;
      bool first = true;
      for (int v : p.vms_on(h)) {
        std::snprintf(buf, sizeof buf, "%s%s %.2f", first ? "" : ", ",
                      vms_[static_cast<std::size_t>(v)].name.c_str(), vms_[static_cast<std::size_t>(v)].util);
        line += buf;
        first = false;
      }
      line += "]";
    }
    say(line);
  }

  template <class NowFn>
  void act(const sim::MigrationOrder& order, double t, NowFn now_s) {
    auto& vm = vms_[static_cast<std::size_t>(order.vm)];
    const auto& src = hosts_[static_cast<std::size_t>(vm.host)];
    const auto& dst = hosts_[static_cast<std::size_t>(order.target_host)];
    char buf[300];
    std::snprintf(buf, sizeof buf, "t=%6.1fs  DECISION migrate %s %s -> %s (policy %s)%s", t,
                  vm.name.c_str(), src.view.name.c_str(), dst.view.name.c_str(),
                  policy_->name().c_str(), o_.dry_run ? " [dry run: not done]" : "");
    say(buf);
    log_ += nlohmann::json{{"t", t}, {"decision", "migrate"}, {"domain", vm.name},
                           {"from", src.view.name}, {"to", dst.view.name}, {"dry_run", o_.dry_run}}
                .dump() +
            "\n";
    if (o_.dry_run) return;
    live::LiveMigrationRequest req;
    req.domain = vm.name;
    req.bandwidth_mibps = bandwidth_;
    req.max_downtime_ms = downtime_;
    req.auto_converge = o_.auto_converge;
    const live::LiveMigrationReport rep = live::live_migrate(*src.conn, *dst.conn, req, {});
    ++migrations_;
    if (!rep.ok) ++failures_;
    std::snprintf(buf, sizeof buf,
                  "t=%6.1fs  MIGRATED %s %s: total %.0f ms, downtime %.0f ms, %.1f MiB, %.0f "
                  "iterations%s%s",
                  now_s(), vm.name.c_str(), rep.ok ? "ok" : "FAILED", rep.total_ms, rep.downtime_ms,
                  rep.data_processed_bytes / 1048576.0, rep.iterations, rep.ok ? "" : ": ",
                  rep.error.c_str());
    say(buf);
    log_ += nlohmann::json{{"t", now_s()}, {"migration", live::to_json(rep, false)}}.dump() + "\n";
    if (rep.ok) vm.host = order.target_host;
    policy_->on_migration_end(order.vm, now_s());
  }

  const ControlOptions& o_;
  double interval_ = 1, bandwidth_ = 0, downtime_ = 0;
  std::vector<LiveHost> hosts_;
  std::vector<live::ViewVm> vms_;
  std::vector<double> last_dirty_start_, last_dirty_calc_;
  traces::CpuUsageMeter meter_;
  std::unique_ptr<sim::MigrationTimer> timer_;
  std::unique_ptr<sim::ConsolidationPolicy> policy_;
  std::shared_ptr<const sim::PowerCurve> power_;
  int migrations_ = 0, failures_ = 0;
  std::string log_;
};

int run_control(const ControlOptions& o) {
  struct sigaction sa {};
  sa.sa_handler = on_control_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  g_stop_control = 0;
  Controller c(o);
  return c.run();
}

}  // namespace

void add_control_command(CLI::App& app, Action& action);
static const CommandRegistrar kRegisterControl(72, "control", add_control_command);

void add_control_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ControlOptions>();
  CLI::App* sub = app.add_subcommand(
      "control", "Live policy controller: run a consolidation policy on libvirt hosts' live stats "
                 "and live-migrate what it decides.");
  sub->footer(
      "Same policy code as the simulator. A rules file, e.g.\n"
      "  {\"type\": \"rules\", \"rules\": [{\"when\": \"cpu > 0.8\", \"for_samples\": 3}],\n"
      "   \"selection\": \"mmt\", \"admission\": {\"max_concurrent_per_host\": 1,\n"
      "   \"vm_cooldown_s\": 60, \"max_downtime_ms\": 500}}\n"
      "or a named policy (thr-mmt, mad-mc, ...). Host CPU = sum of its VMs' CPU use\n"
      "(cpu.time deltas, 1 vCPU = 1 host CPU) / its CPUs (--host-cpus overrides what\n"
      "libvirt reports). Manages the domains running at start. Exit 0, 1 if a migration\n"
      "failed, 2 bad input.\n\n"
      "Example (lab):\n"
      "  validation/lab/lab exec migsim control --policy rules.json --host-cpus 1 \\\n"
      "      --connect qemu+tcp://10.77.0.1/system --connect qemu+tcp://10.77.0.2/system\n");
  sub->add_option("--policy", o->policy, "Rules JSON file or policy name")->required();
  sub->add_option("--connect", o->uris, "libvirt URI of a host (repeat)")->required();
  sub->add_option("--interval", o->interval, "Seconds between decisions (default 1)");
  sub->add_option("--duration", o->duration, "Stop after this many seconds (default: SIGINT)");
  sub->add_option("--max-migrations", o->max_migrations, "Stop after this many migrations");
  sub->add_option("--host-cpus", o->host_cpus, "CPUs per host for the policy's utilisation");
  sub->add_option("--bandwidth", o->bandwidth, "Migration bandwidth MiB/s or 'unlimited' (default)");
  sub->add_option("--max-downtime", o->downtime, "Migration downtime limit (ms)");
  sub->add_flag("--auto-converge", o->auto_converge, "Migrate with auto-converge");
  sub->add_option("--dirtyrate-every", o->dirtyrate_every,
                  "Measure each VM's dirty rate this often, seconds (default 5; 0 = never)");
  sub->add_option("--seed", o->seed, "Seed of the policy's random choices (RS selection; default 42)");
  sub->add_flag("--dry-run", o->dry_run, "Print decisions only (read-only connections)");
  sub->add_option("--log", o->log, "Write every status line and decision as JSON lines here");
  sub->callback([o, &action] { action = [o] { return run_control(*o); }; });
}

}  // namespace migsim::cli
