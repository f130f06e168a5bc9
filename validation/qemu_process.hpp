#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace migsim::validation {

// One child process (a QEMU, or a command such as ip/tc), started with its stdout/stderr in `log_path`.
// The destructor kills it (SIGKILL) and reaps it: a QEMU never outlives the
// harness object that started it, whatever exception unwinds the stack.
class ChildProcess {
 public:
  // `netns` non-empty: the child joins network namespace /run/netns/NAME first.
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path,
               const std::string& netns = "");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool alive();                 // false once it exited (reaps it)
  std::string exit_description();  // "exited with status 1" / "killed by signal 9"
  void kill_and_wait();
  pid_t pid() const { return pid_; }
  // The last lines of its log, for error messages.
  std::string log_tail(std::size_t max_chars = 600) const;

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  std::string log_path_;
};

// Resolves a program on PATH (or an absolute path); empty when not found.
std::string find_program(const std::string& name);

}  // namespace migsim::validation
