#include "validation/web_runner.hpp"

#include <unistd.h>

#include <cmath>

#include "sim/input_error.hpp"
#include "traces/utc_timestamp.hpp"
#include "validation/foreign_cpu_meter.hpp"
#include "validation/guest_memory_check.hpp"
#include "validation/guest_vm.hpp"
#include "validation/interrupt.hpp"
#include "validation/ipv4_prefix.hpp"
#include "validation/monotonic_clock.hpp"
#include "validation/qemu_process.hpp"
#include "validation/web_link.hpp"

namespace migsim::validation {

namespace {

constexpr int kMigrationPort = 4444;   // the namespace is ours: nothing else listens there
constexpr double kTickS = 0.05;        // harness loop: /proc/stat sample period
constexpr double kLoadLeadS = 0.2;     // first due send this long after the client is started

LoadSpec load_spec(const WebCase& c, const std::string& netns, double duration_s) {
  LoadSpec s;
  s.target = parse_http_target("web run '" + c.name + "'", WebLink::guest_ip() + ":80" + c.request_path());
  s.rate_rps = c.arrival_rps;
  s.duration_s = duration_s;
  s.timeout_ms = c.timeout_ms;
  s.arrivals = c.arrivals == "poisson" ? Arrivals::poisson : Arrivals::fixed;
  s.seed = static_cast<std::uint64_t>(c.load_seed);
  s.allowed = {parse_ipv4_prefix("web link", WebLink::prefix())};
  s.netns = netns;
  return s;
}

// MIGSIM-WEB-READY, failing as soon as the web app or the web /init reports MIGSIM-WEB-ERROR
// (wait_for_marker itself only knows the dirtier's MIGSIM-ERROR).
std::string wait_for_web_app(GuestVm& vm, double timeout_s) {
  const double deadline = monotonic_s() + timeout_s;
  for (;;) {
    try {
      return wait_for_marker(vm, "MIGSIM-WEB-READY", 1.0);
    } catch (const EnvironmentError&) {
      vm.serial->refresh();
      const auto err = vm.serial->find("MIGSIM-WEB-ERROR");
      if (err != std::string::npos) {
        throw EnvironmentError("guest (" + vm.role + ") reported: " + vm.serial->line_at(err));
      }
      if (monotonic_s() > deadline || !vm.proc->alive()) throw;
    }
  }
}

}  // namespace

std::string default_web_image_dir() { return source_dir() + "/validation/guest/build-web"; }
std::string web_image_build_script() { return source_dir() + "/validation/guest/build-web-image"; }

WebRunOutput run_web_case(const WebCase& c, const GuestImage& image, const RunnerOptions& opt) {
  const std::string label = "run '" + c.name + "'";
  const std::string qemu_path = find_program(opt.qemu);
  if (qemu_path.empty()) {
    throw EnvironmentError(label + ": QEMU missing: '" + opt.qemu + "' not found (install qemu-system-x86: scripts/setup all)");
  }
  auto say = [&](const std::string& m) {
    if (opt.progress) opt.progress(label + ": " + m);
  };
  try {
    WebLink link;
    WorkDir dir(opt.work_root, opt.keep_work);
    const std::string uri = "tcp:127.0.0.1:" + std::to_string(kMigrationPort);
    const std::string accel = c.guest.accel == "kvm" ? "kvm" : "tcg";
    const std::string cmdline = "migweb.ip=" + WebLink::guest_ip() + "/24 " + c.kernel_cmdline();
    nlohmann::json env{{"recorded_at", traces::utc_now_iso()},
                       {"accel", accel},
                       {"transport", "tcp-loopback-netns"},
                       {"kernel_version", image.kernel_version},
                       {"image_id", image.image_id},
                       {"host_load_1min_start", load_average_1min()},
                       {"host_cpus", static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN))}};

    GuestVm dst, src;
    start_guest(dst, qemu_path, accel, c.guest, image, dir.path(), "dst", uri, link.netns(),
                {WebLink::nic_args(WebLink::destination_tap()), cmdline});
    const double boot_t0 = monotonic_s();
    start_guest(src, qemu_path, accel, c.guest, image, dir.path(), "src", "", link.netns(),
                {WebLink::nic_args(WebLink::source_tap()), cmdline});
    env["qemu_version"] = src.qmp.execute("query-version")["qemu"];
    const std::string ready = wait_for_marker(src, "MIGSIM-READY", opt.boot_timeout_s);
    const std::string web_ready = wait_for_web_app(src, opt.boot_timeout_s);
    const double ready_ms = (monotonic_s() - boot_t0) * 1000.0;
    const std::size_t ready_pos = src.serial->find("MIGSIM-READY");
    say("guest ready after " + std::to_string(static_cast<int>(ready_ms)) + " ms: " + web_ready);
    nlohmann::json guest{{"boot_to_ready_ms", ready_ms}, {"ready_line", ready}};
    env["web_ready_line"] = web_ready;
    if (c.guest.calc_dirty_rate_s > 0) guest["calc_dirty_rate"] = measure_dirty_rate(src.qmp, c.guest.calc_dirty_rate_s);
    const nlohmann::json settings = set_migration_parameters(src.qmp, c.guest);

    // Warm-up: the same stream for warmup_s (ARP resolved, the app's pages touched); it must
    // get answers, or the guest is not reachable and the run means nothing.
    {
      LoadSpec w = load_spec(c, link.netns(), std::max(c.warmup_s, 1.0 / c.arrival_rps));
      const LoadLog wl = run_open_loop(w);
      std::size_t ok = 0;
      for (const auto& r : wl.requests) ok += r.record.outcome == models::RequestOutcome::ok ? 1 : 0;
      if (ok == 0) {
        const auto& f = wl.requests.front();
        throw EnvironmentError("the web app at " + WebLink::guest_ip() + " answered none of " +
                               std::to_string(wl.requests.size()) + " warm-up requests (first: " +
                               failure_name(f.failure) + ")");
      }
      env["warmup"] = {{"requests", wl.requests.size()}, {"ok", ok}};
    }
    env["fdb_port_before"] = link.guest_port();

    LoadSpec spec = load_spec(c, link.netns(), c.duration_s);
    spec.start_monotonic_s = monotonic_s() + kLoadLeadS;
    const double t0 = *spec.start_monotonic_s;
    WebRunMeasurements m;
    const ForeignCpuMeter foreign_cpu({src.proc->pid(), dst.proc->pid()});
    OpenLoopClient client(spec);
    client.start();
    auto now_load = [&] { return monotonic_s() - t0; };
    std::unique_ptr<MigrationPoll> poll;
    std::size_t hb_from = 0;
    bool cancelled = false;
    double next_poll = 0;
    const double load_end = c.duration_s + c.timeout_ms / 1000.0 + 0.5;
    for (;;) {
      throw_if_interrupted();
      const double t = now_load();
      if (auto s = read_host_cpu(t)) m.cpu.push_back(*s);
      if (c.migration_at_s && !poll && t >= *c.migration_at_s) {
        src.serial->refresh();
        hb_from = src.serial->text().size();
        poll = std::make_unique<MigrationPoll>(monotonic_s());
        m.migration_start_s = now_load();
        src.qmp.execute("migrate", {{"uri", uri}});
        say("migrating at " + number_text(std::round(*m.migration_start_s * 100) / 100) + " s");
        next_poll = t;
      }
      if (poll && !poll->ended() && t >= next_poll) {
        next_poll = t + opt.poll_interval_ms / 1000.0;
        if (poll->add(src.qmp.execute("query-migrate"))) {
          const double seen = now_load();
          // QEMU's own total time places the end better than the poll that saw it.
          const double by_qemu = *m.migration_start_s + poll->total_time_ms() / 1000.0;
          m.migration_end_s = poll->status() == "completed" && by_qemu <= seen ? by_qemu : seen;
          say(poll->status() + " after " + std::to_string(static_cast<int>(poll->total_time_ms())) + " ms");
        } else if (!cancelled && poll->total_time_ms() >= c.guest.horizon_s * 1000.0) {
          src.qmp.execute("migrate_cancel");
          cancelled = true;
          say("not converged by the horizon: cancelled");
        }
        if (poll && !poll->ended() && t > *c.migration_at_s + c.guest.horizon_s + 120.0) {
          throw EnvironmentError("migration did not end 120 s after the horizon (status " + poll->status() + ")");
        }
      }
      const bool migration_done = !c.migration_at_s || (poll && poll->ended());
      if (t >= load_end && migration_done) break;
      wait_briefly_ms(static_cast<int>(kTickS * 1000));
    }
    WebRunOutput out;
    out.log = client.join();
    for (const auto& r : out.log.requests) out.measured.requests.push_back(r.record);
    if (auto s = read_host_cpu(now_load())) m.cpu.push_back(*s);
    const double foreign_cores = foreign_cpu.cores();
    env["foreign_cpu_cores"] = foreign_cores;
    if (const std::string w = busy_host_warning(foreign_cores, "this run"); !w.empty()) say(w);
    env["fdb_port_after"] = link.guest_port();
    env["link"] = link.describe();
    env["load_lag_max_ms"] = 0.0;
    for (const auto& r : out.log.requests) {
      env["load_lag_max_ms"] = std::max(env["load_lag_max_ms"].get<double>(), r.lag_s * 1000.0);
    }

    if (poll) {
      nlohmann::json rec;
      rec["format"] = kRecordFormat;
      rec["case"] = c.name;
      rec["repeat"] = 1;
      rec["split"] = c.guest.split;
      rec["config"] = c.guest.to_json();
      rec["env"] = {{"recorded_at", env["recorded_at"]}, {"accel", accel}, {"transport", env["transport"]},
                    {"kernel_version", image.kernel_version}, {"image_id", image.image_id},
                    {"host_load_1min_start", env["host_load_1min_start"]}, {"host_cpus", env["host_cpus"]},
                    {"qemu_version", env["qemu_version"]}, {"foreign_cpu_cores", env["foreign_cpu_cores"]}};
      rec["parameters"] = settings["parameters"];
      rec["capabilities"] = settings["capabilities"];
      rec["trajectory"] = poll->trajectory();
      record_outcome(rec, *poll, dst);
      finish_migration_record(rec, guest, src, dst, poll->status() == "completed", hb_from, ready_pos, say);
      // The guest checks its memory where it runs now (issue 13); corrupted = a failed run.
      rec["guest_memory"] = verify_guest_memory(poll->status() == "completed" ? dst : src,
                                                verify_timeout_s(c.guest.fill_mib));
      if (fail_unless_memory_verified(rec)) {
        say("FAILED: " + rec["failure_reason"].get<std::string>() + ": " + rec["guest_memory"].dump());
      }
      m.migration_record = std::move(rec);
    } else {
      src.serial->refresh();
      env["guest"] = {{"boot_to_ready_ms", ready_ms}, {"hb_rates_all", heartbeat_rates(*src.serial, ready_pos)}};
    }
    env["host_load_1min_end"] = load_average_1min();
    m.env = std::move(env);
    m.requests = std::move(out.measured.requests);
    out.measured = std::move(m);
    dst.proc->kill_and_wait();
    src.proc->kill_and_wait();
    return out;
  } catch (const EnvironmentError&) {
    rethrow_for_run(label);
  }
}

}  // namespace migsim::validation
