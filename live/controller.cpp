#include "live/controller.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <thread>

#include "live/libvirt_client.hpp"
#include "live/libvirt_cluster_view.hpp"
#include "live/libvirt_migration.hpp"
#include "live/stop_signal.hpp"
#include "models/migration_timer.hpp"
#include "models/power_model.hpp"
#include "policies/policy_loader.hpp"
#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"
#include "traces/libvirt_sample_readers.hpp"

namespace migsim::live {

namespace {

struct LiveHost {
  std::unique_ptr<LibvirtConnection> conn;
  ViewHost view;
};

class Controller {
 public:
  Controller(const ControllerSettings& s, const std::function<void(const std::string&)>& say)
      : s_(s), say_(say) {}

  ControllerResult run() {
    interval_ = s_.interval_s;
    bandwidth_ = s_.bandwidth_mibps;
    downtime_ = s_.max_downtime_ms;
    const double duration = s_.duration_s;
    const double host_cpus = s_.host_cpus;
    const double max_mig = s_.max_migrations;
    const double dirty_every = s_.dirtyrate_every_s;
    if (s_.uris.empty()) throw InputError("--connect: at least one libvirt URI is required");

    // The policy file is checked before any connection is made.
    models::PrecopyMigrationTimer::Settings ts;
    ts.qemu.max_bandwidth_mibps = bandwidth_;
    if (downtime_ > 0) ts.qemu.downtime_limit_ms = downtime_;
    ts.qemu.auto_converge = s_.auto_converge;
    timer_ = std::make_unique<models::PrecopyMigrationTimer>(ts);
    policies::PolicyContext pc;
    pc.interval_s = interval_;
    pc.seed = s_.seed;
    pc.timer = timer_.get();
    (void)policies::load_policy(s_.policy, pc);

    for (const auto& uri : s_.uris) {
      LiveHost h;
      h.conn = std::make_unique<LibvirtConnection>(uri, s_.dry_run);
      const NodeSummary n = h.conn->node();
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
        ViewVm v;
        v.name = name;
        v.host = static_cast<int>(hi);
        vms_.push_back(v);
        last_dirty_start_.push_back(-1);
        last_dirty_calc_.push_back(-1e9);
      }
    }
    if (vms_.empty()) throw InputError("--connect: no running domain on any host");
    std::vector<ViewHost> view_hosts;
    for (const auto& h : hosts_) view_hosts.push_back(h.view);
    pc.hosts = static_cast<int>(hosts_.size());
    pc.vms = static_cast<int>(vms_.size());
    policy_ = policies::load_policy(s_.policy, pc);
    power_ = models::builtin_power_model("hp-ml110-g5");
    say("controller: policy " + policy_->name() + ", " + std::to_string(hosts_.size()) +
        " hosts, " + std::to_string(vms_.size()) + " VMs" + (s_.dry_run ? ", DRY RUN" : ""));

    const auto t0 = std::chrono::steady_clock::now();
    auto now_s = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    double next = 0;
    while (!stop_requested()) {
      const double t = now_s();
      if (duration > 0 && t >= duration) break;
      observe(t, dirty_every);
      sim::Placement p = make_placement(view_hosts, vms_, power_);
      status_line(t, p);
      const auto orders = policy_->optimize(p, t);
      for (const auto& order : orders) {
        act(order, t, now_s);
        if (max_mig > 0 && migrations_ >= max_mig) break;
      }
      if (max_mig > 0 && migrations_ >= max_mig) {
        char buf[80];
        std::snprintf(buf, sizeof buf, "controller: reached --max-migrations %g", max_mig);
        say(buf);
        break;
      }
      next += interval_;
      if (next < now_s()) next = now_s();
      while (!stop_requested() && now_s() < next) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    if (!s_.log.empty()) traces::write_file_atomically(s_.log, log_);
    return {migrations_, failures_};
  }

 private:
  void say(const std::string& line) {
    say_(line);
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
        update_view_vm(vm, s, meter_, last_dirty_start_[static_cast<std::size_t>(v)], where);
        seen[static_cast<std::size_t>(v)] = 1;
        if (!s_.dry_run && dirty_every > 0 &&
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
                  policy_->name().c_str(), s_.dry_run ? " [dry run: not done]" : "");
    say(buf);
    log_ += nlohmann::json{{"t", t}, {"decision", "migrate"}, {"domain", vm.name},
                           {"from", src.view.name}, {"to", dst.view.name}, {"dry_run", s_.dry_run}}
                .dump() +
            "\n";
    if (s_.dry_run) return;
    LiveMigrationRequest req;
    req.domain = vm.name;
    req.bandwidth_mibps = bandwidth_;
    req.max_downtime_ms = downtime_;
    req.auto_converge = s_.auto_converge;
    const LiveMigrationReport rep = live_migrate(*src.conn, *dst.conn, req, {});
    ++migrations_;
    if (!rep.ok) ++failures_;
    std::snprintf(buf, sizeof buf,
                  "t=%6.1fs  MIGRATED %s %s: total %.0f ms, downtime %.0f ms, %.1f MiB, %.0f "
                  "iterations%s%s",
                  now_s(), vm.name.c_str(), rep.ok ? "ok" : "FAILED", rep.total_ms, rep.downtime_ms,
                  rep.data_processed_bytes / 1048576.0, rep.iterations, rep.ok ? "" : ": ",
                  rep.error.c_str());
    say(buf);
    log_ += nlohmann::json{{"t", now_s()}, {"migration", to_json(rep, false)}}.dump() + "\n";
    if (rep.ok) vm.host = order.target_host;
    policy_->on_migration_end(order.vm, now_s());
  }

  const ControllerSettings& s_;
  const std::function<void(const std::string&)>& say_;
  double interval_ = 1, bandwidth_ = 0, downtime_ = 0;
  std::vector<LiveHost> hosts_;
  std::vector<ViewVm> vms_;
  std::vector<double> last_dirty_start_, last_dirty_calc_;
  traces::CpuUsageMeter meter_;
  std::unique_ptr<sim::MigrationTimer> timer_;
  std::unique_ptr<sim::ConsolidationPolicy> policy_;
  std::shared_ptr<const sim::PowerCurve> power_;
  int migrations_ = 0, failures_ = 0;
  std::string log_;
};

}  // namespace

ControllerResult run_controller(const ControllerSettings& s,
                                const std::function<void(const std::string&)>& say) {
  install_stop_handlers();
  Controller c(s, say);
  return c.run();
}

}  // namespace migsim::live
