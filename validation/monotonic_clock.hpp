#pragma once
#include <cstdint>

namespace migsim::validation {

// Seconds on the host's monotonic clock.
double monotonic_s();
// The same in whole nanoseconds.
std::int64_t monotonic_ns();
// Blocks for `ms` milliseconds (interruptible by SIGINT: returns early). Used
// only for polling intervals, never as synchronisation with QEMU.
void wait_briefly_ms(int ms);

}  // namespace migsim::validation
