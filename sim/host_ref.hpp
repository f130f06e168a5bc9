#pragma once
#include <string>

namespace migsim::sim {

// "host:N" (N >= 0, decimal, nothing after it) -> N; anything else -> -1.
int host_index(const std::string& ref);

}  // namespace migsim::sim
