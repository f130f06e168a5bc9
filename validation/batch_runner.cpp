#include "validation/batch_runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "sim/input_error.hpp"
#include "sim/json_input.hpp"
#include "traces/utc_timestamp.hpp"
#include "validation/foreign_cpu_meter.hpp"
#include "validation/guest_memory_check.hpp"
#include "validation/guest_vm.hpp"
#include "validation/interrupt.hpp"
#include "validation/monotonic_clock.hpp"
#include "validation/shaped_link.hpp"

namespace migsim::validation {

namespace {

constexpr double kQemuOverheadMib = 64.0;  // per QEMU process beside guest RAM
constexpr int kFirstPort = 4600;

double mem_available_mib() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib / 1024.0;
  }
  return -1;
}

// One migration of the batch as it runs.
struct Member {
  const BatchMember* spec = nullptr;
  GuestVm src, dst;
  std::string uri;
  std::unique_ptr<MigrationPoll> poll;
  nlohmann::json record;
  std::size_t hb_from = 0, ready_pos = 0;
  double started_s = -1;  // after the batch's t0
  bool cancelled = false;
};

}  // namespace

double batch_memory_need_mib(const BatchCase& b) {
  return 2.0 * b.ram_mib_total() + 2.0 * kQemuOverheadMib * static_cast<double>(b.migrations.size());
}

nlohmann::json run_batch_case(const BatchCase& b, int repeat, const GuestImage& image,
                              const RunnerOptions& opt) {
  const std::string label = "batch '" + b.name + "' repeat " + std::to_string(repeat);
  auto say = [&](const std::string& m) {
    if (opt.progress) opt.progress(label + ": " + m);
  };
  const std::string qemu_path = find_program(opt.qemu);
  if (qemu_path.empty()) {
    throw EnvironmentError(label + ": QEMU missing: '" + opt.qemu +
                           "' not found (install qemu-system-x86: scripts/setup all)");
  }
  const double need = batch_memory_need_mib(b), avail = mem_available_mib();
  if (avail > 0 && need > 0.9 * avail) {
    throw EnvironmentError(label + ": " + std::to_string(b.migrations.size()) + " migrations need " +
                           number_text(std::round(need)) + " MiB (source and destination QEMUs) but the host has " +
                           number_text(std::round(avail)) + " MiB available");
  }
  try {
    ShapedLink link(b.link);
    WorkDir dir(opt.work_root, opt.keep_work);
    const std::size_t n = b.migrations.size();
    std::vector<std::unique_ptr<Member>> ms;
    const double boot_t0 = monotonic_s();
    for (std::size_t i = 0; i < n; ++i) {
      auto m = std::make_unique<Member>();
      m->spec = &b.migrations[i];
      const ValidationCase& c = m->spec->vm;
      const std::string accel = c.accel == "kvm" ? "kvm" : "tcg";
      m->uri = "tcp:" + ShapedLink::destination_ip() + ":" + std::to_string(kFirstPort + static_cast<int>(i));
      std::string tag = std::to_string(i + 1);
      tag.insert(tag.begin(), 'm');  // not "m" + to_string: GCC 12 -Wrestrict false positive
      start_guest(m->dst, qemu_path, accel, c, image, dir.path(), tag + "-dst", m->uri, link.destination_netns());
      start_guest(m->src, qemu_path, accel, c, image, dir.path(), tag + "-src", "", link.source_netns());
      ms.push_back(std::move(m));
    }
    nlohmann::json env{{"recorded_at", traces::utc_now_iso()},
                       {"transport", "tcp-veth-tbf"},
                       {"kernel_version", image.kernel_version},
                       {"image_id", image.image_id},
                       {"host_load_1min_start", load_average_1min()},
                       {"host_cpus", static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN))},
                       {"qemu_version", ms.front()->src.qmp.execute("query-version")["qemu"]}};
    // Guests boot together: the slowest one sets the pace on 2 cores.
    const double boot_timeout = opt.boot_timeout_s * (1.0 + 0.5 * static_cast<double>(n));
    for (auto& m : ms) {
      const std::string ready = wait_for_marker(m->src, "MIGSIM-READY", boot_timeout);
      m->ready_pos = m->src.serial->find("MIGSIM-READY");
      m->record["guest"] = {{"boot_to_ready_ms", (monotonic_s() - boot_t0) * 1000.0}, {"ready_line", ready}};
    }
    say(std::to_string(n) + " guests ready after " + std::to_string(static_cast<int>(monotonic_s() - boot_t0)) +
        " s; link " + number_text(b.link.rate_mbit) + " Mbit/s");
    for (auto& m : ms) {
      const ValidationCase& c = m->spec->vm;
      if (c.calc_dirty_rate_s > 0) m->record["guest"]["calc_dirty_rate"] = measure_dirty_rate(m->src.qmp, c.calc_dirty_rate_s);
      const nlohmann::json settings = set_migration_parameters(m->src.qmp, c);
      m->record["parameters"] = settings["parameters"];
      m->record["capabilities"] = settings["capabilities"];
    }
    std::vector<pid_t> pids;
    for (auto& m : ms) {
      pids.push_back(m->src.proc->pid());
      pids.push_back(m->dst.proc->pid());
    }
    double last_planned = 0, longest_horizon = 0;
    for (const auto& m : b.migrations) {
      last_planned = std::max(last_planned, m.start_s);
      longest_horizon = std::max(longest_horizon, m.vm.horizon_s);
    }
    const double t0 = monotonic_s();
    const ForeignCpuMeter foreign_cpu(pids);
    std::size_t running = n;
    while (running > 0) {
      throw_if_interrupted();
      const double now = monotonic_s() - t0;
      for (auto& m : ms) {
        if (m->started_s < 0 && m->spec->start_s <= now) {
          m->src.serial->refresh();
          m->hb_from = m->src.serial->text().size();
          m->poll = std::make_unique<MigrationPoll>(monotonic_s());
          m->started_s = monotonic_s() - t0;
          m->src.qmp.execute("migrate", {{"uri", m->uri}});
        }
      }
      for (auto& m : ms) {
        if (m->started_s < 0 || m->poll->ended()) continue;
        if (m->poll->add(m->src.qmp.execute("query-migrate"))) {
          --running;
          say(m->spec->vm.name + " " + m->poll->status() + " after " +
              std::to_string(static_cast<int>(m->poll->total_time_ms())) + " ms");
          continue;
        }
        if (!m->cancelled && m->poll->total_time_ms() >= m->spec->vm.horizon_s * 1000.0) {
          m->src.qmp.execute("migrate_cancel");
          m->cancelled = true;
        }
      }
      if (now > last_planned + longest_horizon + 120.0) {
        throw EnvironmentError("migrations did not end 120 s after their horizon");
      }
      if (running > 0) wait_briefly_ms(static_cast<int>(opt.poll_interval_ms));
    }
    const double foreign_cores = foreign_cpu.cores();
    env["foreign_cpu_cores"] = foreign_cores;
    if (const std::string w = busy_host_warning(foreign_cores, "this batch"); !w.empty()) say(w);
    nlohmann::json link_info = link.describe();
    double first = 1e300, last = 0;
    nlohmann::json members = nlohmann::json::array();
    for (auto& m : ms) {
      const ValidationCase& c = m->spec->vm;
      nlohmann::json& rec = m->record;
      rec["format"] = kRecordFormat;
      rec["case"] = c.name;
      rec["repeat"] = repeat;
      rec["split"] = c.split;
      rec["config"] = c.to_json();
      rec["env"] = env;
      rec["env"]["accel"] = c.accel == "kvm" ? "kvm" : "tcg";
      rec["planned_start_s"] = m->spec->start_s;
      rec["start_s"] = m->started_s;
      rec["trajectory"] = m->poll->trajectory();
      try {
        record_outcome(rec, *m->poll, m->dst);
      } catch (const EnvironmentError& e) {
        throw EnvironmentError(c.name + ": " + e.what());
      }
      const std::string& status = m->poll->status();
      const double took_s =
          number_or_zero(status == "completed" ? m->poll->final_reply() : m->poll->last_active(), "total-time") / 1000.0;
      rec["end_s"] = m->started_s + took_s;
      first = std::min(first, m->started_s);
      last = std::max(last, m->started_s + took_s);
    }
    for (auto& m : ms) {
      nlohmann::json& rec = m->record;
      rec["guest_alive_after"] = check_guest_after(m->src, m->dst, rec["outcome"] == "completed");
      if (!rec["guest_alive_after"]["alive"].get<bool>()) {
        say("WARNING: " + m->spec->vm.name + ": guest not healthy after the migration");
      }
      // The guest checks its memory where it runs now (issue 13): a member that finds it
      // corrupted is a failed migration (and the batch reader refuses the record).
      rec["guest_memory"] = verify_guest_memory(rec["outcome"] == "completed" ? m->dst : m->src,
                                                verify_timeout_s(m->spec->vm.fill_mib));
      if (fail_unless_memory_verified(rec)) {
        say("FAILED: " + m->spec->vm.name + ": " + rec["failure_reason"].get<std::string>() + ": " +
            rec["guest_memory"].dump());
      }
      m->src.serial->refresh();
      rec["guest"]["hb_rates_during_migration"] = heartbeat_rates(*m->src.serial, m->hb_from);
      rec["guest"]["hb_rates_all"] = heartbeat_rates(*m->src.serial, m->ready_pos);
      members.push_back(rec);
    }
    env["host_load_1min_end"] = load_average_1min();
    for (auto& m : ms) {
      m->dst.proc->kill_and_wait();
      m->src.proc->kill_and_wait();
    }
    return {{"format", kBatchRecordFormat},
            {"batch", b.name},
            {"repeat", repeat},
            {"split", b.split},
            {"config", b.to_json()},
            {"link", link_info},
            {"env", env},
            {"makespan_s", last - first},
            {"migrations", members}};
  } catch (const EnvironmentError&) {
    rethrow_for_run(label);
  }
}

}  // namespace migsim::validation
