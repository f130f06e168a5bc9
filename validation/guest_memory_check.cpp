#include "validation/guest_memory_check.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sim/input_error.hpp"

namespace migsim::validation {

namespace {

// A connection to QEMU's control-port socket, closed on destruction.
class ControlConnection {
 public:
  explicit ControlConnection(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw EnvironmentError("control socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw EnvironmentError("socket(): " + std::string(std::strerror(errno)));
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      const std::string why = std::strerror(errno);
      ::close(fd_);
      throw EnvironmentError("cannot connect to the guest's control port " + path + ": " + why);
    }
  }
  ~ControlConnection() { ::close(fd_); }
  ControlConnection(const ControlConnection&) = delete;
  ControlConnection& operator=(const ControlConnection&) = delete;
  void send_line(const std::string& line) {
    const std::string s = line + "\n";
    if (::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(s.size())) {
      throw EnvironmentError("cannot write to the guest's control port: " + std::string(std::strerror(errno)));
    }
  }

 private:
  int fd_ = -1;
};

}  // namespace

nlohmann::json parse_verify_line(const std::string& line) {
  long long pages = 0, bad = 0, stale = 0, first_bad = 0;
  unsigned long long writes = 0;
  double ms = 0;
  if (std::sscanf(line.c_str(), "MIGSIM-VERIFY pages=%lld bad=%lld stale=%lld first_bad=%lld writes=%llu ms=%lf",
                  &pages, &bad, &stale, &first_bad, &writes, &ms) != 6 ||
      pages < 0 || bad < 0 || stale < 0) {
    throw InputError("guest console: not a MIGSIM-VERIFY line: '" + line + "'");
  }
  return {{"verified", bad == 0}, {"pages", pages},   {"bad", bad},        {"stale", stale},
          {"first_bad", first_bad}, {"writes", writes}, {"verify_ms", ms}};
}

double verify_timeout_s(double fill_mib) { return 10.0 + 10.0 * fill_mib / 1024.0; }

nlohmann::json verify_guest_memory(GuestVm& vm, double timeout_s) {
  try {
    vm.serial->refresh();
    const std::size_t from = vm.serial->text().size();
    ControlConnection ctl(vm.control_socket);
    ctl.send_line("VERIFY");
    // The guest reads its control port once per heartbeat, then checks all its pages.
    nlohmann::json out = parse_verify_line(wait_for_marker(vm, "MIGSIM-VERIFY", timeout_s, from));
    out["where"] = vm.role;
    return out;
  } catch (const EnvironmentError& e) {
    return {{"verified", false}, {"where", vm.role}, {"error", e.what()}};
  } catch (const InputError& e) {
    return {{"verified", false}, {"where", vm.role}, {"error", e.what()}};
  }
}

bool fail_unless_memory_verified(nlohmann::json& rec) {
  // A guest that panicked or rebooted after the migration was corrupted by it, whatever its
  // memory check says afterwards (a rebooted dirtier checks a fresh fill).
  if (rec.contains("guest_alive_after") && rec["guest_alive_after"].is_object()) {
    const nlohmann::json& alive = rec["guest_alive_after"];
    const nlohmann::json signs = alive.value("corruption_signs", nlohmann::json::array());
    if (signs.is_array() && !signs.empty()) {
      std::string list;
      for (const auto& s : signs) list += (list.empty() ? "" : ", ") + (s.is_string() ? s.get<std::string>() : s.dump());
      rec["outcome"] = "failed";
      rec["failure_reason"] = "guest crashed after the migration (" + list + ")";
      return true;
    }
  }
  const nlohmann::json& g = rec.at("guest_memory");
  if (g.value("verified", false)) return false;
  rec["outcome"] = "failed";
  rec["failure_reason"] = g.contains("bad") ? std::string("guest memory corrupted")
                                            : "guest memory not verified: " + g.value("error", std::string("no answer"));
  return true;
}

}  // namespace migsim::validation
