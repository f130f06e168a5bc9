#pragma once
// SIGINT / SIGTERM ask the long-running live loops (capture, controller) to stop
// at their next step: the handler only sets a flag.
namespace migsim::live {

// Installs the handlers and clears the flag.
void install_stop_handlers();
bool stop_requested();

}  // namespace migsim::live
