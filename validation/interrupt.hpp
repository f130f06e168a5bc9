#pragma once
#include <stdexcept>
#include <string>
#include <sys/types.h>

namespace migsim::validation {

// Ctrl-C / SIGTERM handling for the harness: the handler kills every QEMU we
// started (kill(2) is async-signal-safe) and sets a flag; the harness's wait
// loops see it and unwind, so destructors remove the work files.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted by a signal; QEMU processes killed") {}
};

void install_interrupt_handlers();
bool interrupted();
void throw_if_interrupted();
// Child processes the handler must kill (fixed-size table, no allocation).
void register_child(pid_t pid);
void unregister_child(pid_t pid);

// For a run's catch block: rethrows the exception being handled — an EnvironmentError raised
// after a signal (the handler killed the QEMUs, so whatever failed next is the interruption) as
// Interrupted, any other EnvironmentError with "<label>: " in front, anything else unchanged.
[[noreturn]] void rethrow_for_run(const std::string& label);

}  // namespace migsim::validation
