#include "live/stop_signal.hpp"

#include <signal.h>

namespace migsim::live {

namespace {
volatile sig_atomic_t g_stop = 0;
void on_stop_signal(int) { g_stop = 1; }
}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  g_stop = 0;
}

bool stop_requested() { return g_stop != 0; }

}  // namespace migsim::live
