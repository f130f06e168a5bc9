#pragma once
// The valid ranges of an APP.json's values (models/app_params.hpp), from what a web
// application and a live migration can be; beside the load generator's own bounds
// (sim/input_bounds.hpp kRequestRateRps, kRequestTimeoutMs), which the same keys share.
#include "sim/input_bounds.hpp"

namespace migsim::models::app_bounds {

// A request's service time or SLO: above 0, at most a minute.
inline constexpr Bound kServiceMs{0, 60000.0, true, "ms"};
// Worker threads serving requests at once.
inline constexpr Bound kServers{1, 4096, false, ""};
// Pre-copy slowdown: service time x (1 + this); 0 (none) to 20x.
inline constexpr Bound kSlowdown{0, 20.0, false, ""};
// Switch-over after the reported downtime: at most a minute.
inline constexpr Bound kSwitchoverMs{0, 60000.0, false, "ms"};
// The client's SYN retransmission timeout: 0 (off) to a minute.
inline constexpr Bound kSynRetryS{0, 60.0, false, "s"};
// The SYN-loss window's shift against the reported downtime: 0 to a second (the end QEMU
// reports against the destination taking the address over: ms, not seconds).
inline constexpr Bound kSynLostShiftMs{0, 1000.0, false, "ms"};
// Load before and after the migration in `predict --app`: at most an hour.
inline constexpr Bound kPaddingS{0, 3600.0, false, "s"};

}  // namespace migsim::models::app_bounds
