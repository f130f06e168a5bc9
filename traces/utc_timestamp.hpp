#pragma once
#include <string>

namespace migsim::traces {

// The current wall-clock time as ISO 8601 UTC to the second ("2026-11-25T14:06:24Z"),
// the timestamp that traces and validation records carry.
std::string utc_now_iso();

}  // namespace migsim::traces
