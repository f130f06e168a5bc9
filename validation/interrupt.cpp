#include "validation/interrupt.hpp"

#include "sim/input_error.hpp"

#include <signal.h>

#include <atomic>

namespace migsim::validation {

namespace {
constexpr int kMaxChildren = 64;  // a batch of 6 migrations runs 12 QEMUs
std::atomic<pid_t> g_children[kMaxChildren];
volatile sig_atomic_t g_interrupted = 0;

extern "C" void on_signal(int) {
  g_interrupted = 1;
  for (auto& c : g_children) {
    const pid_t p = c.load();
    if (p > 0) kill(p, SIGKILL);
  }
}
}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
}

bool interrupted() { return g_interrupted != 0; }

void throw_if_interrupted() {
  if (g_interrupted != 0) throw Interrupted();
}

void register_child(pid_t pid) {
  for (auto& c : g_children) {
    pid_t expected = 0;
    if (c.compare_exchange_strong(expected, pid)) return;
  }
}

void unregister_child(pid_t pid) {
  for (auto& c : g_children) {
    pid_t expected = pid;
    if (c.compare_exchange_strong(expected, 0)) return;
  }
}

void rethrow_for_run(const std::string& label) {
  try {
    throw;
  } catch (const EnvironmentError& e) {
    if (interrupted()) throw Interrupted();
    throw EnvironmentError(label + ": " + e.what());
  }
}

}  // namespace migsim::validation
