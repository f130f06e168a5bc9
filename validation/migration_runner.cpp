#include "validation/migration_runner.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
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
#include "validation/interrupt.hpp"
#include "validation/monotonic_clock.hpp"
#include "validation/qemu_process.hpp"
#include "validation/qmp_client.hpp"

namespace migsim::validation {

namespace fs = std::filesystem;

namespace {

// The guest's serial console, captured by QEMU into a file, read incrementally.
class SerialLog {
 public:
  explicit SerialLog(std::string path) : path_(std::move(path)) {}
  // Reads what QEMU appended since the last call.
  void refresh() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return;
    in.seekg(static_cast<std::streamoff>(text_.size()));
    std::stringstream ss;
    ss << in.rdbuf();
    text_ += ss.str();
  }
  const std::string& text() const { return text_; }
  std::size_t find(const std::string& marker, std::size_t from = 0) const {
    return text_.find(marker, from);
  }
  std::string line_at(std::size_t pos) const {
    const auto end = text_.find('\n', pos);
    std::string l = text_.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    while (!l.empty() && l.back() == '\r') l.pop_back();
    return l;
  }

 private:
  std::string path_;
  std::string text_;
};

// A private folder for one run's sockets and logs; removed on destruction.
class WorkDir {
 public:
  WorkDir(const std::string& root, bool keep) : keep_(keep) {
    std::string tmpl = root + "/migsim-val.XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw EnvironmentError("cannot create a work folder under " + root);
    }
    path_ = tmpl;
  }
  ~WorkDir() {
    std::error_code ec;
    if (!keep_) fs::remove_all(path_, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool keep_;
};

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw EnvironmentError("socket(): cannot create a TCP socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw EnvironmentError("cannot find a free loopback TCP port");
  }
  const int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

double load_average_1min() {
  std::ifstream in("/proc/loadavg");
  double l = -1;
  in >> l;
  return l;
}

// One QEMU instance of a run: process + QMP + serial console.
struct Vm {
  std::unique_ptr<ChildProcess> proc;
  QmpClient qmp;
  std::unique_ptr<SerialLog> serial;
  std::string role;
};

std::vector<std::string> qemu_argv(const std::string& qemu, const std::string& accel,
                                   const ValidationCase& c, const GuestImage& img,
                                   const std::string& dir, const std::string& role,
                                   const std::string& incoming) {
  std::ostringstream ram;
  ram << static_cast<long long>(c.ram_mib) << "M";
  std::vector<std::string> a{qemu,
                             "-accel", accel,
                             "-machine", "pc",
                             "-m", ram.str(),
                             "-smp", "1",
                             "-nodefaults", "-no-user-config",
                             "-display", "none",
                             "-name", "migsim-" + role,
                             "-kernel", img.kernel,
                             "-initrd", img.initrd,
                             "-append", img.base_cmdline + " " + c.kernel_cmdline_keys(),
                             "-serial", "file:" + dir + "/" + role + "-serial.log",
                             "-qmp", "unix:" + dir + "/" + role + ".qmp,server=on,wait=off"};
  if (!incoming.empty()) {
    a.push_back("-incoming");
    a.push_back(incoming);
  }
  return a;
}

void start_vm(Vm& vm, const std::string& qemu_path, const std::string& accel,
              const ValidationCase& c, const GuestImage& img, const std::string& dir,
              const std::string& role, const std::string& incoming) {
  vm.role = role;
  vm.proc = std::make_unique<ChildProcess>(
      qemu_argv(qemu_path, accel, c, img, dir, role, incoming), dir + "/" + role + "-qemu.log");
  vm.serial = std::make_unique<SerialLog>(dir + "/" + role + "-serial.log");
  ChildProcess* p = vm.proc.get();
  try {
    vm.qmp.connect(dir + "/" + role + ".qmp", 30.0, [p] { return p->alive(); });
  } catch (const EnvironmentError& e) {
    throw EnvironmentError(std::string(e.what()) + "; QEMU (" + role + ") " +
                           p->exit_description() + ": " + p->log_tail());
  }
}

// Waits for `marker` on the guest's console; returns its line. Fails early on
// MIGSIM-ERROR or a QEMU that exited.
std::string wait_for_marker(Vm& vm, const std::string& marker, double timeout_s,
                            std::size_t from = 0) {
  const double deadline = monotonic_s() + timeout_s;
  for (;;) {
    vm.serial->refresh();
    const auto pos = vm.serial->find(marker, from);
    if (pos != std::string::npos && vm.serial->text().find('\n', pos) != std::string::npos) {
      return vm.serial->line_at(pos);
    }
    const auto err = vm.serial->find("MIGSIM-ERROR");
    if (err != std::string::npos) {
      throw EnvironmentError("guest (" + vm.role + ") reported: " + vm.serial->line_at(err));
    }
    if (!vm.proc->alive()) {
      throw EnvironmentError("QEMU (" + vm.role + ") " + vm.proc->exit_description() +
                             " before the guest printed " + marker + ": " + vm.proc->log_tail());
    }
    if (monotonic_s() > deadline) {
      std::string tail = vm.serial->text();
      if (tail.size() > 300) tail = "..." + tail.substr(tail.size() - 300);
      throw EnvironmentError("guest (" + vm.role + ") did not print " + marker + " within " +
                             std::to_string(static_cast<int>(timeout_s)) +
                             " s; console: " + (tail.empty() ? "(empty)" : tail));
    }
    throw_if_interrupted();
    wait_briefly_ms(50);  // polling a file QEMU writes; no QMP event exists for it
  }
}

// Heartbeat rates printed by the guest from byte offset `from`: [t_s, writes/s].
nlohmann::json heartbeat_rates(const SerialLog& s, std::size_t from) {
  nlohmann::json out = nlohmann::json::array();
  std::size_t pos = from;
  while ((pos = s.find("MIGSIM-HB ", pos)) != std::string::npos) {
    const std::string l = s.line_at(pos);
    double t = 0, rate = 0;
    unsigned long long w = 0;
    double load = 0;
    if (std::sscanf(l.c_str(), "MIGSIM-HB t=%lf writes=%llu rate=%lf load=%lf", &t, &w, &rate,
                    &load) == 4) {
      out.push_back({t, rate});
    }
    pos += 10;
  }
  return out;
}

// Guest-clock t of the last heartbeat on a console (-1 if none).
double last_heartbeat_t(const SerialLog& s) {
  const auto pos = s.text().rfind("MIGSIM-HB t=");
  if (pos == std::string::npos) return -1;
  double t = -1;
  std::sscanf(s.line_at(pos).c_str(), "MIGSIM-HB t=%lf", &t);
  return t;
}

double num(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

// calc-dirty-rate (page sampling; dirty-bitmap mode crashes QEMU 7.2) and its result.
nlohmann::json measure_dirty_rate(QmpClient& qmp, int calc_s) {
  qmp.execute("calc-dirty-rate", {{"calc-time", calc_s}});
  const double deadline = monotonic_s() + calc_s + 30.0;
  for (;;) {
    wait_briefly_ms(250);
    throw_if_interrupted();
    nlohmann::json r = qmp.execute("query-dirty-rate");
    if (r.value("status", std::string()) == "measured") return r;
    if (monotonic_s() > deadline) throw EnvironmentError("calc-dirty-rate did not finish");
  }
}

}  // namespace

bool probe_accelerator(const std::string& accel, const GuestImage& image, const RunnerOptions& opt,
                       double timeout_s) {
  const std::string qemu_path = find_program(opt.qemu);
  if (qemu_path.empty()) return false;
  WorkDir dir(opt.work_root, false);
  ValidationCase c;
  c.name = "probe";
  c.ram_mib = 256;
  Vm vm;
  try {
    start_vm(vm, qemu_path, accel, c, image, dir.path(), "probe", "");
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
    const int port = free_loopback_port();
    const std::string uri = "tcp:127.0.0.1:" + std::to_string(port);
    const std::string accel = c.accel == "kvm" ? "kvm" : "tcg";
    nlohmann::json rec;
    rec["format"] = kRecordFormat;
    rec["case"] = c.name;
    rec["repeat"] = repeat;
    rec["split"] = c.split;
    rec["config"] = c.to_json();
    rec["env"] = {{"recorded_at", traces::utc_now_iso()},
                  {"accel", accel},
                  {"transport", "tcp-loopback"},
                  {"kernel_version", image.kernel_version},
                  {"image_id", image.image_id},
                  {"host_load_1min_start", load_average_1min()},
                  {"host_cpus", static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN))}};

    Vm dst, src;
    start_vm(dst, qemu_path, accel, c, image, dir.path(), "dst", uri);
    const double boot_t0 = monotonic_s();
    start_vm(src, qemu_path, accel, c, image, dir.path(), "src", "");
    rec["env"]["qemu_version"] = src.qmp.execute("query-version")["qemu"];
    const std::string ready = wait_for_marker(src, "MIGSIM-READY", opt.boot_timeout_s);
    const double ready_ms = (monotonic_s() - boot_t0) * 1000.0;
    const std::size_t ready_pos = src.serial->find("MIGSIM-READY");
    say("guest ready after " + std::to_string(static_cast<int>(ready_ms)) + " ms");
    nlohmann::json guest{{"boot_to_ready_ms", ready_ms}, {"ready_line", ready}};

    if (c.calc_dirty_rate_s > 0) {
      guest["calc_dirty_rate"] = measure_dirty_rate(src.qmp, c.calc_dirty_rate_s);
    }

    src.qmp.execute("migrate-set-capabilities",
                    {{"capabilities",
                      {{{"capability", "auto-converge"}, {"state", c.auto_converge}},
                       {{"capability", "xbzrle"}, {"state", c.xbzrle}}}}});
    const auto bw_bytes = static_cast<long long>(std::llround(c.max_bandwidth_mibps * 1048576.0));
    const auto dl_ms = static_cast<long long>(std::llround(c.downtime_limit_ms));
    src.qmp.execute("migrate-set-parameters", {{"max-bandwidth", bw_bytes}, {"downtime-limit", dl_ms}});
    rec["parameters"] = src.qmp.execute("query-migrate-parameters");
    rec["capabilities"] = src.qmp.execute("query-migrate-capabilities");

    src.serial->refresh();
    const std::size_t hb_from = src.serial->text().size();
    const double t0 = monotonic_s();
    const ForeignCpuMeter foreign_cpu({src.proc->pid(), dst.proc->pid()});
    src.qmp.execute("migrate", {{"uri", uri}});
    say("migrating (horizon " + std::to_string(static_cast<int>(c.horizon_s)) + " s)");

    nlohmann::json columns = {"t_ms",        "status",          "total_time_ms",   "transferred",
                              "remaining",   "dirty_sync_count", "dirty_pages_rate", "mbps",
                              "duplicate",   "normal",          "expected_downtime_ms",
                              "cpu_throttle_pct"};
    nlohmann::json rows = nlohmann::json::array();
    nlohmann::json last_active, final_reply;
    bool cancelled = false;
    std::string status;
    for (;;) {
      throw_if_interrupted();
      nlohmann::json r = src.qmp.execute("query-migrate");
      status = r.value("status", std::string("?"));
      const nlohmann::json ram = r.value("ram", nlohmann::json::object());
      rows.push_back({std::llround((monotonic_s() - t0) * 1000.0), status, num(r, "total-time"),
                      num(ram, "transferred"), num(ram, "remaining"), num(ram, "dirty-sync-count"),
                      num(ram, "dirty-pages-rate"), num(ram, "mbps"), num(ram, "duplicate"),
                      num(ram, "normal"), num(r, "expected-downtime"),
                      num(r, "cpu-throttle-percentage")});
      if (status == "active" || status == "device" || status == "pre-switchover") last_active = r;
      if (status == "completed" || status == "failed" || status == "cancelled") {
        final_reply = r;
        break;
      }
      if (!cancelled && num(r, "total-time") >= c.horizon_s * 1000.0) {
        src.qmp.execute("migrate_cancel");
        cancelled = true;
        say("not converged by the horizon: cancelled");
      }
      if (monotonic_s() - t0 > c.horizon_s + 120.0) {
        throw EnvironmentError("migration did not end 120 s after the horizon (status " + status + ")");
      }
      wait_briefly_ms(static_cast<int>(opt.poll_interval_ms));
    }
    const double foreign_cores = foreign_cpu.cores();
    rec["env"]["foreign_cpu_cores"] = foreign_cores;
    if (foreign_cores > kBusyHostCores) {
      say("WARNING: other processes used " + std::to_string(foreign_cores).substr(0, 4) +
          " cores during this migration: its timings measure a busy host");
    }
    rec["trajectory"] = {{"columns", columns}, {"rows", rows}};
    rec["qemu"] = final_reply;
    if (status == "completed") {
      rec["outcome"] = "completed";
    } else if (status == "cancelled") {
      rec["outcome"] = "not-converged";
      rec["qemu_last_active"] = last_active;
    } else {
      std::string why = final_reply.value("error-desc", std::string("no error-desc"));
      throw EnvironmentError("migration failed: " + why + "; destination QEMU " +
                             dst.proc->exit_description() + ": " + dst.proc->log_tail(300));
    }

    // The guest must go on running where it ended up, with its memory intact: two
    // more heartbeats whose guest-clock t continues (a guest corrupted by lost dirty
    // pages panics and reboots: t restarts, MIGSIM-BOOT appears again).
    Vm& runs_on = status == "completed" ? dst : src;
    src.serial->refresh();
    const double t_src_last = last_heartbeat_t(*src.serial);
    nlohmann::json alive_rec{{"where", runs_on.role}, {"src_last_hb_t", t_src_last}};
    bool alive = false;
    try {
      const auto st = runs_on.qmp.execute("query-status");
      alive_rec["run_state"] = st.value("status", std::string());
      runs_on.serial->refresh();
      // The destination's console only holds post-migration output.
      std::size_t from = &runs_on == &dst ? 0 : runs_on.serial->text().size();
      std::vector<double> ts;
      for (int k = 0; k < 2; ++k) {
        const std::string l = wait_for_marker(runs_on, "MIGSIM-HB", 4.0, from);
        from = runs_on.serial->find(l, from) + l.size();
        double t = -1;
        std::sscanf(l.c_str(), "MIGSIM-HB t=%lf", &t);
        ts.push_back(t);
      }
      alive_rec["hb_t_after"] = ts;
      alive = alive_rec["run_state"] == "running" && ts[0] >= t_src_last && ts[1] > ts[0];
    } catch (const EnvironmentError& e) {
      alive_rec["error"] = e.what();
      alive = false;
    }
    runs_on.serial->refresh();
    const std::string& console = runs_on.serial->text();
    nlohmann::json signs = nlohmann::json::array();
    for (const char* bad : {"Kernel panic", "BUG:", "Oops", "general protection", "stack-protector",
                            "MIGSIM-ERROR"}) {
      if (console.find(bad) != std::string::npos) signs.push_back(bad);
    }
    if (&runs_on == &dst && console.find("MIGSIM-BOOT") != std::string::npos) {
      signs.push_back("MIGSIM-BOOT");
    }
    alive_rec["corruption_signs"] = signs;
    alive = alive && signs.empty();
    alive_rec["alive"] = alive;
    rec["guest_alive_after"] = alive_rec;
    if (!alive) say("WARNING: guest not healthy after the migration: " + alive_rec.dump());
    src.serial->refresh();
    guest["hb_rates_during_migration"] = heartbeat_rates(*src.serial, hb_from);
    guest["hb_rates_all"] = heartbeat_rates(*src.serial, ready_pos);
    rec["guest"] = guest;
    rec["env"]["host_load_1min_end"] = load_average_1min();
    dst.proc->kill_and_wait();
    src.proc->kill_and_wait();
    return rec;
  } catch (const Interrupted&) {
    throw;
  } catch (const EnvironmentError& e) {
    // The signal handler killed the QEMUs: whatever failed next is the interruption.
    if (interrupted()) throw Interrupted();
    throw EnvironmentError(label + ": " + e.what());
  }
}

}  // namespace migsim::validation
