#include "validation/guest_vm.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "sim/input_error.hpp"
#include "validation/interrupt.hpp"
#include "validation/monotonic_clock.hpp"

namespace migsim::validation {

namespace fs = std::filesystem;

void SerialLog::refresh() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return;
  in.seekg(static_cast<std::streamoff>(text_.size()));
  std::stringstream ss;
  ss << in.rdbuf();
  text_ += ss.str();
}

std::string SerialLog::line_at(std::size_t pos) const {
  const auto end = text_.find('\n', pos);
  std::string l = text_.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  while (!l.empty() && l.back() == '\r') l.pop_back();
  return l;
}

WorkDir::WorkDir(const std::string& root, bool keep) : keep_(keep) {
  std::string tmpl = root + "/migsim-val.XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw EnvironmentError("cannot create a work folder under " + root);
  }
  path_ = tmpl;
}

WorkDir::~WorkDir() {
  std::error_code ec;
  if (!keep_) fs::remove_all(path_, ec);
}

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

double number_or_zero(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

namespace {

std::vector<std::string> qemu_argv(const std::string& qemu, const std::string& accel,
                                   const ValidationCase& c, const GuestImage& img,
                                   const std::string& dir, const std::string& role,
                                   const std::string& incoming, const GuestExtras& extras) {
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
                             "-append", img.base_cmdline + " " + c.kernel_cmdline_keys() +
                                 (extras.cmdline.empty() ? "" : " " + extras.cmdline),
                             "-serial", "file:" + dir + "/" + role + "-serial.log",
                             "-chardev", "socket,id=control,path=" + dir + "/" + role +
                                 "-control.sock,server=on,wait=off",
                             "-serial", "chardev:control",
                             "-qmp", "unix:" + dir + "/" + role + ".qmp,server=on,wait=off"};
  a.insert(a.end(), extras.qemu_args.begin(), extras.qemu_args.end());
  if (!incoming.empty()) {
    a.push_back("-incoming");
    a.push_back(incoming);
  }
  return a;
}

// Guest-clock t of the last heartbeat on a console (-1 if none).
double last_heartbeat_t(const SerialLog& s) {
  const auto pos = s.text().rfind("MIGSIM-HB t=");
  if (pos == std::string::npos) return -1;
  double t = -1;
  std::sscanf(s.line_at(pos).c_str(), "MIGSIM-HB t=%lf", &t);
  return t;
}

}  // namespace

void start_guest(GuestVm& vm, const std::string& qemu_path, const std::string& accel,
                 const ValidationCase& c, const GuestImage& img, const std::string& dir,
                 const std::string& role, const std::string& incoming, const std::string& netns,
                 const GuestExtras& extras) {
  vm.role = role;
  vm.proc = std::make_unique<ChildProcess>(qemu_argv(qemu_path, accel, c, img, dir, role, incoming, extras),
                                           dir + "/" + role + "-qemu.log", netns);
  vm.serial = std::make_unique<SerialLog>(dir + "/" + role + "-serial.log");
  vm.control_socket = dir + "/" + role + "-control.sock";
  ChildProcess* p = vm.proc.get();
  try {
    vm.qmp.connect(dir + "/" + role + ".qmp", 30.0, [p] { return p->alive(); });
  } catch (const EnvironmentError& e) {
    throw EnvironmentError(std::string(e.what()) + "; QEMU (" + role + ") " +
                           p->exit_description() + ": " + p->log_tail());
  }
}

std::string wait_for_marker(GuestVm& vm, const std::string& marker, double timeout_s,
                            std::size_t from) {
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

nlohmann::json set_migration_parameters(QmpClient& src, const ValidationCase& c) {
  src.execute("migrate-set-capabilities",
              {{"capabilities",
                {{{"capability", "auto-converge"}, {"state", c.auto_converge}},
                 {{"capability", "xbzrle"}, {"state", c.xbzrle}}}}});
  const auto bw_bytes = static_cast<long long>(std::llround(c.max_bandwidth_mibps * 1048576.0));
  const auto dl_ms = static_cast<long long>(std::llround(c.downtime_limit_ms));
  src.execute("migrate-set-parameters", {{"max-bandwidth", bw_bytes}, {"downtime-limit", dl_ms}});
  return {{"parameters", src.execute("query-migrate-parameters")},
          {"capabilities", src.execute("query-migrate-capabilities")}};
}

bool MigrationPoll::add(const nlohmann::json& r) {
  status_ = r.value("status", std::string("?"));
  last_ = r;
  const nlohmann::json ram = r.value("ram", nlohmann::json::object());
  rows_.push_back({std::llround((monotonic_s() - t0_s_) * 1000.0), status_,
                   number_or_zero(r, "total-time"), number_or_zero(ram, "transferred"),
                   number_or_zero(ram, "remaining"), number_or_zero(ram, "dirty-sync-count"),
                   number_or_zero(ram, "dirty-pages-rate"), number_or_zero(ram, "mbps"),
                   number_or_zero(ram, "duplicate"), number_or_zero(ram, "normal"),
                   number_or_zero(r, "expected-downtime"), number_or_zero(r, "cpu-throttle-percentage")});
  if (status_ == "active" || status_ == "device" || status_ == "pre-switchover") last_active_ = r;
  // QEMU 7.2 sets "completed" in migration_completion() and computes total-time and
  // downtime afterwards (migration_iteration_finish -> migration_calculate_complete):
  // a reply in between says completed with total-time 0. Ask again.
  bool stats_pending = status_ == "completed" && number_or_zero(r, "total-time") <= 0;
  if (stats_pending && ++stats_pending_replies_ > 10) stats_pending = false;  // 2 s: take it as it is
  if ((status_ == "completed" && !stats_pending) || status_ == "failed" || status_ == "cancelled") {
    final_ = r;
    ended_ = true;
  }
  return ended_;
}

double MigrationPoll::total_time_ms() const { return number_or_zero(last_, "total-time"); }

nlohmann::json MigrationPoll::trajectory() const {
  static const nlohmann::json columns = {
      "t_ms",     "status", "total_time_ms", "transferred", "remaining", "dirty_sync_count",
      "dirty_pages_rate", "mbps", "duplicate", "normal", "expected_downtime_ms", "cpu_throttle_pct"};
  return {{"columns", columns}, {"rows", rows_}};
}

void record_outcome(nlohmann::json& rec, const MigrationPoll& poll, GuestVm& dst) {
  rec["qemu"] = poll.final_reply();
  if (poll.status() == "completed") {
    rec["outcome"] = "completed";
  } else if (poll.status() == "cancelled") {
    rec["outcome"] = "not-converged";
    rec["qemu_last_active"] = poll.last_active();
  } else {
    throw EnvironmentError("migration failed: " + poll.final_reply().value("error-desc", std::string("no error-desc")) +
                           "; destination QEMU " + dst.proc->exit_description() + ": " + dst.proc->log_tail(300));
  }
}

nlohmann::json check_guest_after(GuestVm& src, GuestVm& dst, bool completed) {
  GuestVm& runs_on = completed ? dst : src;
  src.serial->refresh();
  const double t_src_last = last_heartbeat_t(*src.serial);
  nlohmann::json alive_rec{{"where", runs_on.role}, {"src_last_hb_t", t_src_last}};
  bool alive = false;
  try {
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
    // Asked after the heartbeats: right after the source reports "completed" the
    // destination can still say "inmigrate" for a moment while it runs already.
    const auto st = runs_on.qmp.execute("query-status");
    alive_rec["run_state"] = st.value("status", std::string());
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
  alive_rec["alive"] = alive && signs.empty();
  return alive_rec;
}

void finish_migration_record(nlohmann::json& rec, nlohmann::json guest, GuestVm& src, GuestVm& dst,
                             bool completed, std::size_t hb_from, std::size_t ready_pos,
                             const std::function<void(const std::string&)>& say) {
  rec["guest_alive_after"] = check_guest_after(src, dst, completed);
  if (!rec["guest_alive_after"]["alive"].get<bool>()) {
    say("WARNING: guest not healthy after the migration: " + rec["guest_alive_after"].dump());
  }
  src.serial->refresh();
  guest["hb_rates_during_migration"] = heartbeat_rates(*src.serial, hb_from);
  guest["hb_rates_all"] = heartbeat_rates(*src.serial, ready_pos);
  rec["guest"] = std::move(guest);
  rec["env"]["host_load_1min_end"] = load_average_1min();
}

}  // namespace migsim::validation
