#pragma once
#include <string>
#include <vector>

namespace migsim::validation {

struct CommandResult {
  int status = -1;     // exit status; -1 when it did not exit normally
  std::string output;  // stdout and stderr together
};

// Runs a program (argv[0] resolved on PATH) to completion and captures its
// output; no shell. EnvironmentError when it cannot be started at all.
CommandResult run_command(const std::vector<std::string>& argv);

// Runs it and throws EnvironmentError("<what>: `argv...` failed: <output>") unless it exits 0.
std::string run_checked(const std::vector<std::string>& argv, const std::string& what);

}  // namespace migsim::validation
