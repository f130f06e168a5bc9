#include "validation/qemu_process.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sim/input_error.hpp"
#include "validation/interrupt.hpp"

namespace migsim::validation {

std::string find_program(const std::string& name) {
  auto executable = [](const std::string& p) { return ::access(p.c_str(), X_OK) == 0; };
  if (name.find('/') != std::string::npos) return executable(name) ? name : std::string();
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string p = dir + "/" + name;
    if (executable(p)) return p;
  }
  return {};
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_path,
                           const std::string& netns)
    : log_path_(log_path) {
  if (argv.empty()) throw EnvironmentError("ChildProcess: empty command");
  int ns_fd = -1;
  if (!netns.empty()) {
    const std::string ns_path = "/run/netns/" + netns;
    ns_fd = ::open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0) throw EnvironmentError(ns_path + ": cannot open: " + std::strerror(errno));
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0) {
    if (ns_fd >= 0) ::close(ns_fd);
    throw EnvironmentError(log_path + ": cannot create: " + std::strerror(errno));
  }
  // Block our signal handler's race: register the pid before anything can interrupt.
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  const pid_t pid = ::fork();
  if (pid == 0) {
    sigprocmask(SIG_SETMASK, &old, nullptr);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    ::setpgid(0, 0);  // Ctrl-C in the terminal reaches us, not QEMU directly
    ::dup2(log, 1);
    ::dup2(log, 2);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    if (ns_fd >= 0 && ::setns(ns_fd, CLONE_NEWNET) != 0) {
      const char msg[] = "setns (network namespace) failed\n";
      (void)!::write(2, msg, sizeof msg - 1);
      ::_exit(126);
    }
    ::execv(args[0], args.data());
    const char msg[] = "exec failed\n";
    (void)!::write(2, msg, sizeof msg - 1);
    ::_exit(127);
  }
  if (pid > 0) register_child(pid);
  sigprocmask(SIG_SETMASK, &old, nullptr);
  ::close(log);
  if (ns_fd >= 0) ::close(ns_fd);
  if (pid < 0) throw EnvironmentError("fork: " + std::string(std::strerror(errno)));
  pid_ = pid;
}

ChildProcess::~ChildProcess() { kill_and_wait(); }

bool ChildProcess::alive() {
  if (reaped_ || pid_ <= 0) return false;
  const pid_t r = ::waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    unregister_child(pid_);
    return false;
  }
  return true;
}

std::string ChildProcess::exit_description() {
  if (alive()) return "still running";
  if (WIFEXITED(status_)) return "exited with status " + std::to_string(WEXITSTATUS(status_));
  if (WIFSIGNALED(status_)) return "killed by signal " + std::to_string(WTERMSIG(status_));
  return "ended";
}

void ChildProcess::kill_and_wait() {
  if (pid_ <= 0 || reaped_) return;
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  unregister_child(pid_);
}

std::string ChildProcess::log_tail(std::size_t max_chars) const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.size() > max_chars) s = "..." + s.substr(s.size() - max_chars);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace migsim::validation
