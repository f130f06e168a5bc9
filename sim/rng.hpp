#pragma once
#include <cstdint>
#include <string_view>

namespace migsim::sim {

// xoshiro256** with our own conversions, so a seed gives the same numbers with
// any standard library (std::uniform_real_distribution is not portable).
class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next_u64();
  double uniform();                              // [0, 1)
  double uniform(double lo, double hi);          // [lo, hi)
  std::uint64_t below(std::uint64_t n);          // [0, n), unbiased; n > 0
  double exponential(double mean);
  double normal(double mean, double stddev);     // Box-Muller, no cached spare

 private:
  std::uint64_t s_[4];
};

// One independent stream per entity, derived from a master seed and a stable
// entity key (an id or a name), never from creation order.
class RngStreams {
 public:
  explicit RngStreams(std::uint64_t master_seed) : seed_(master_seed) {}
  Rng stream(std::uint64_t entity_id) const;
  Rng stream(std::string_view entity_name) const;
  std::uint64_t master_seed() const { return seed_; }

 private:
  std::uint64_t seed_;
};

std::uint64_t splitmix64(std::uint64_t& state);
std::uint64_t fnv1a64(std::string_view s);

}  // namespace migsim::sim
