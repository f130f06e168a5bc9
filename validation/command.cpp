#include "validation/command.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/input_error.hpp"
#include "validation/qemu_process.hpp"

namespace migsim::validation {

CommandResult run_command(const std::vector<std::string>& argv) {
  if (argv.empty()) throw EnvironmentError("run_command: empty command");
  const std::string path = find_program(argv[0]);
  if (path.empty()) throw EnvironmentError("'" + argv[0] + "' not found on PATH");
  std::vector<char*> args;
  args.push_back(const_cast<char*>(path.c_str()));
  for (std::size_t i = 1; i < argv.size(); ++i) args.push_back(const_cast<char*>(argv[i].c_str()));
  args.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw EnvironmentError("pipe: " + std::string(std::strerror(errno)));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw EnvironmentError("fork: " + std::string(std::strerror(errno)));
  }
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  CommandResult r;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      r.output.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == '\r')) r.output.pop_back();
  return r;
}

std::string run_checked(const std::vector<std::string>& argv, const std::string& what) {
  const CommandResult r = run_command(argv);
  if (r.status != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
    throw EnvironmentError(what + ": `" + cmd + "` failed: " + (r.output.empty() ? "(no output)" : r.output));
  }
  return r.output;
}

}  // namespace migsim::validation
