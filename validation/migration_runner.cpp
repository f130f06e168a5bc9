#include "validation/migration_runner.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "sim/input_error.hpp"
#include "traces/utc_timestamp.hpp"
#include "validation/foreign_cpu_meter.hpp"
#include "validation/guest_memory_check.hpp"
#include "validation/guest_vm.hpp"
#include "validation/interrupt.hpp"
#include "validation/migration_fault.hpp"
#include "validation/monotonic_clock.hpp"
#include "validation/qemu_process.hpp"
#include "validation/qmp_client.hpp"
#include "validation/shaped_link.hpp"

namespace migsim::validation {

namespace fs = std::filesystem;

bool probe_accelerator(const std::string& accel, const GuestImage& image, const RunnerOptions& opt,
                       double timeout_s) {
  const std::string qemu_path = find_program(opt.qemu);
  if (qemu_path.empty()) return false;
  WorkDir dir(opt.work_root, false);
  ValidationCase c;
  c.name = "probe";
  c.ram_mib = 256;
  GuestVm vm;
  try {
    start_guest(vm, qemu_path, accel, c, image, dir.path(), "probe", "");
    wait_for_marker(vm, "MIGSIM-READY", timeout_s);
    return true;
  } catch (const Interrupted&) {
    throw;
  } catch (const EnvironmentError&) {
    return false;
  }
}

nlohmann::json run_migration_case(const ValidationCase& c, int repeat, const GuestImage& image,
                                  const RunnerOptions& opt) {
  const std::string label = "case '" + c.name + "' repeat " + std::to_string(repeat);
  const std::string qemu_path = find_program(opt.qemu);
  if (qemu_path.empty()) {
    throw EnvironmentError(label + ": QEMU missing: '" + opt.qemu +
                           "' not found (install qemu-system-x86: scripts/setup all)");
  }
  auto say = [&](const std::string& m) {
    if (opt.progress) opt.progress(label + ": " + m);
  };
  try {
    WorkDir dir(opt.work_root, opt.keep_work);
    MigrationFault fault(c);
    // Link faults need the migration to cross a veth between namespaces (not shaped: 1 Gbit/s).
    std::optional<ShapedLink> link;
    if (fault.needs_link()) link.emplace(LinkShape{1000.0, 0.0});
    const int port = link ? 4444 : free_loopback_port();
    const std::string uri = "tcp:" + (link ? ShapedLink::destination_ip() : std::string("127.0.0.1")) + ":" +
                            std::to_string(port);
    const std::string accel = c.accel == "kvm" ? "kvm" : "tcg";
    nlohmann::json rec;
    rec["format"] = kRecordFormat;
    rec["case"] = c.name;
    rec["repeat"] = repeat;
    rec["split"] = c.split;
    rec["config"] = c.to_json();
    rec["env"] = {{"recorded_at", traces::utc_now_iso()},
                  {"accel", accel},
                  {"transport", link ? "tcp-veth-netns" : "tcp-loopback"},
                  {"kernel_version", image.kernel_version},
                  {"image_id", image.image_id},
                  {"host_load_1min_start", load_average_1min()},
                  {"host_cpus", static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN))}};

    GuestVm dst, src;
    start_guest(dst, qemu_path, accel, c, image, dir.path(), "dst", fault.incoming(uri),
                link ? link->destination_netns() : "");
    const double boot_t0 = monotonic_s();
    start_guest(src, qemu_path, accel, c, image, dir.path(), "src", "", link ? link->source_netns() : "");
    rec["env"]["qemu_version"] = src.qmp.execute("query-version")["qemu"];
    const std::string ready = wait_for_marker(src, "MIGSIM-READY", opt.boot_timeout_s);
    const double ready_ms = (monotonic_s() - boot_t0) * 1000.0;
    const std::size_t ready_pos = src.serial->find("MIGSIM-READY");
    say("guest ready after " + std::to_string(static_cast<int>(ready_ms)) + " ms");
    nlohmann::json guest{{"boot_to_ready_ms", ready_ms}, {"ready_line", ready}};

    if (c.calc_dirty_rate_s > 0) {
      guest["calc_dirty_rate"] = measure_dirty_rate(src.qmp, c.calc_dirty_rate_s);
    }

    const nlohmann::json settings = set_migration_parameters(src.qmp, c);
    rec["parameters"] = settings["parameters"];
    rec["capabilities"] = settings["capabilities"];

    src.serial->refresh();
    const std::size_t hb_from = src.serial->text().size();
    const double t0 = monotonic_s();
    const ForeignCpuMeter foreign_cpu({src.proc->pid(), dst.proc->pid()});
    src.qmp.execute("migrate", {{"uri", uri}});
    say("migrating (horizon " + std::to_string(static_cast<int>(c.horizon_s)) + " s)");

    MigrationPoll poll(t0);
    bool cancelled = false, fault_cancelled = false;
    for (;;) {
      throw_if_interrupted();
      fault.inject_if_due(monotonic_s() - t0, src, dst, link ? &*link : nullptr);
      if (fault.source_killed()) break;
      const nlohmann::json reply = src.qmp.execute("query-migrate");
      fault.observe(reply, monotonic_s() - t0);
      if (poll.add(reply)) break;
      if (!cancelled && fault.stalled(monotonic_s() - t0)) {
        src.qmp.execute("migrate_cancel");
        cancelled = fault_cancelled = true;
        say("fault " + c.fault + ": no progress for " + std::to_string(static_cast<int>(MigrationFault::kStallS)) +
            " s: cancelled");
      }
      if (!cancelled && poll.total_time_ms() >= c.horizon_s * 1000.0) {
        src.qmp.execute("migrate_cancel");
        cancelled = true;
        say("not converged by the horizon: cancelled");
      }
      if (monotonic_s() - t0 > c.horizon_s + 120.0) {
        throw EnvironmentError("migration did not end 120 s after the horizon (status " +
                               poll.status() + ")");
      }
      wait_briefly_ms(static_cast<int>(opt.poll_interval_ms));
    }
    const std::string& status = poll.status();
    const double foreign_cores = foreign_cpu.cores();
    rec["env"]["foreign_cpu_cores"] = foreign_cores;
    if (const std::string w = busy_host_warning(foreign_cores, "this migration"); !w.empty()) say(w);
    rec["trajectory"] = poll.trajectory();
    if (fault.any()) rec["fault"] = fault.describe();
    if (fault.source_killed()) {
      // The guest's only running copy is gone; the destination holds a partial one and must
      // end by itself (its incoming stream broke). Nothing survives to check.
      rec["qemu_last_active"] = poll.last_active();
      rec["outcome"] = "failed";
      rec["failure_reason"] = fault.failure_reason(nlohmann::json::object());
      rec["fault"]["destination_after"] = destination_after_source_killed(dst, 15.0);
      src.serial->refresh();
      guest["hb_rates_during_migration"] = heartbeat_rates(*src.serial, hb_from);
      guest["hb_rates_all"] = heartbeat_rates(*src.serial, ready_pos);
      rec["guest"] = std::move(guest);
      rec["env"]["host_load_1min_end"] = load_average_1min();
      say("FAILED: " + rec["failure_reason"].get<std::string>() + "; destination " +
          rec["fault"]["destination_after"]["how"].get<std::string>());
      dst.proc->kill_and_wait();
      return rec;
    }
    const bool faulted = fault.injected() && (status == "failed" || fault_cancelled);
    if (faulted) {
      // The fault ended it: the source goes on running the guest (checked below).
      rec["qemu"] = poll.final_reply();
      rec["qemu_last_active"] = poll.last_active();
      rec["outcome"] = "failed";
      rec["failure_reason"] = fault.failure_reason(poll.final_reply());
    } else {
      record_outcome(rec, poll, dst);
    }

    finish_migration_record(rec, guest, src, dst, status == "completed", hb_from, ready_pos, say);
    // Where the guest runs now (the destination, or the source of a cancelled or failed
    // migration) it checks its memory; a guest that finds it corrupted makes the migration a
    // failed one.
    rec["guest_memory"] = verify_guest_memory(status == "completed" ? dst : src, verify_timeout_s(c.fill_mib));
    if (faulted) {
      say("FAILED: " + rec["failure_reason"].get<std::string>());
    } else if (fail_unless_memory_verified(rec)) {
      say("FAILED: " + rec["failure_reason"].get<std::string>() + ": " + rec["guest_memory"].dump());
    }
    dst.proc->kill_and_wait();
    src.proc->kill_and_wait();
    return rec;
  } catch (const EnvironmentError&) {
    rethrow_for_run(label);
  }
}

}  // namespace migsim::validation
