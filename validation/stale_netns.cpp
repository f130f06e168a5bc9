#include "validation/stale_netns.hpp"

#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <filesystem>

#include "validation/command.hpp"

namespace migsim::validation {

long netns_creator_pid(const std::string& name, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes) {
    if (name.size() <= p.size() || name.compare(0, p.size(), p) != 0) continue;
    const std::string rest = name.substr(p.size());
    const auto dash = rest.find('-');
    if (dash == std::string::npos || dash == 0 || dash > 9) continue;
    long pid = 0;
    bool digits = true;
    for (std::size_t i = 0; i < dash; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(rest[i]))) digits = false;
      else pid = pid * 10 + (rest[i] - '0');
    }
    if (digits && pid > 0) return pid;
  }
  return -1;
}

int remove_stale_netns(const std::vector<std::string>& prefixes) {
  namespace fs = std::filesystem;
  int removed = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/run/netns", ec)) {
    const std::string name = e.path().filename().string();
    const long pid = netns_creator_pid(name, prefixes);
    if (pid <= 0) continue;
    if (pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) continue;
    try {
      if (run_command({"ip", "netns", "delete", name}).status == 0) ++removed;
    } catch (...) {
    }
  }
  return removed;
}

}  // namespace migsim::validation
