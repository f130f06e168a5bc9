#pragma once
#include <string>

namespace migsim {

// The valid range of one kind of input value, from the physics of the thing
// (README "Input limits"). Every parser checks its numbers against one of the
// ranges below, so a finite but absurd value (RAM of 1e308 MiB, a step of
// 1e-300 s, a host count beyond int) is refused where it is read, with the
// usual one-line error naming the file or flag, the field and the value.
struct Bound {
  double lo;
  double hi;
  bool lo_open;  // true: the value must be > lo; false: >= lo
  const char* unit;  // for messages, "" for a plain count
};

namespace bounds {
// Sizes. 64 TiB of guest or host RAM (67108864 MiB) is above any machine built.
inline constexpr Bound kMemoryMib{0, 67108864.0, true, "MiB"};
inline constexpr Bound kMemoryMibOrZero{0, 67108864.0, false, "MiB"};
inline constexpr Bound kMemoryKibOrZero{0, 67108864.0 * 1024, false, "KiB"};
// Rates. 10^7 MiB/s (~84 Tbit/s) of migration bandwidth, 10^7 Mbit/s of a NIC
// or a link, 10^10 page writes per second (37 TiB/s of dirtying).
inline constexpr Bound kBandwidthMibps{0, 1e7, true, "MiB/s"};
inline constexpr Bound kBandwidthMibpsOrZero{0, 1e7, false, "MiB/s"};
inline constexpr Bound kLinkMbps{0, 1e7, true, "Mbit/s"};
inline constexpr Bound kPagesPerSec{0, 1e10, false, "pages/s"};
inline constexpr Bound kPagesPerSecPositive{0, 1e10, true, "pages/s"};
// CPU: up to 10^9 MIPS per core or per VM, 2^20 cores on a host or a VM.
inline constexpr Bound kMips{0, 1e9, true, "MIPS"};
inline constexpr Bound kCores{1, 1048576, false, ""};
inline constexpr Bound kCpus{0, 1048576, true, "CPUs"};
// Worker threads of a --jobs flag (0: all cores).
inline constexpr Bound kJobs{0, 4096, false, ""};
// Times. A migration is predicted for at most 7 days (its horizon), a downtime
// limit or a per-event cost is at most an hour, a simulated run or a trace
// lasts at most 10 years, a step or sampling interval is 1 ms to 1 day.
inline constexpr Bound kHorizonS{0, 604800.0, true, "s"};
inline constexpr Bound kMigrationTimeS{0, 604800.0, false, "s"};  // a time within a migration
inline constexpr Bound kDowntimeMs{0, 3600000.0, true, "ms"};
inline constexpr Bound kCostMs{0, 3600000.0, false, "ms"};
inline constexpr Bound kCostNs{0, 3.6e12, false, "ns"};
inline constexpr Bound kDurationS{0, 315360000.0, true, "s"};
inline constexpr Bound kTimeS{0, 315360000.0, false, "s"};
inline constexpr Bound kIntervalS{0.001, 86400.0, false, "s"};
// A load generator's request stream (validation/load_generator): at most 10^4 requests per
// second, 10^5 requests, an hour of load, 10^4 requests in flight, a 1-minute timeout.
inline constexpr Bound kRequestRateRps{0, 10000.0, true, "requests/s"};
inline constexpr Bound kLoadDurationS{0, 3600.0, true, "s"};
inline constexpr Bound kRequestCount{1, 100000.0, false, ""};
inline constexpr Bound kRequestsInFlight{1, 10000.0, false, ""};
inline constexpr Bound kRequestTimeoutMs{0, 60000.0, true, "ms"};
// Fractions and percentages.
inline constexpr Bound kFraction{0, 1, false, ""};
inline constexpr Bound kPercent{0, 100, false, "%"};
inline constexpr Bound kPercentPositive{0, 100, true, "%"};
// Counts: hosts, VMs, repeats (10^6 each); samples of a trace (10^7); and the
// steps of a simulated run, duration / scheduling interval (10^7).
inline constexpr Bound kCount{1, 1e6, false, ""};
inline constexpr Bound kCountOrZero{0, 1e6, false, ""};
inline constexpr Bound kSamples{1, 1e7, false, ""};
inline constexpr Bound kSteps{1, 1e7, false, ""};
// A seed of random choices (up to 2^53, where doubles still hold every integer)
// and a format version.
inline constexpr Bound kSeed{0, 9007199254740992.0, false, ""};
// Any other whole quantity kept in an int (a guest program's seed, a count of dirty syncs).
inline constexpr Bound kNonNegativeInt{0, 2147483647.0, false, ""};
inline constexpr Bound kVersion{1, 1e6, false, ""};
}  // namespace bounds

bool within(const Bound& b, double v);
// "> 0 and <= 67108864 MiB"
std::string bound_text(const Bound& b);
// Throws InputError "<where>: must be <bound_text>, got <shown>" unless v is within b.
double check_bound(const std::string& where, double v, const Bound& b, const std::string& shown);

}  // namespace migsim
