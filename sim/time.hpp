#pragma once
// Simulated time. Seconds as double: the cluster engine follows CloudSim's
// double-second clock (300.1 + k*300), and the migration model works in ms
// internally but reports through the same type.
namespace migsim::sim {
using SimTime = double;
inline constexpr SimTime kMsPerS = 1000.0;
}  // namespace migsim::sim
