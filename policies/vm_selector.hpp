#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/placement.hpp"

namespace migsim::policies {

// Picks the VM to move off an overloaded host (-1: none can move). Only VMs
// not already migrating are candidates, in the host's list order (ties go to
// the first). One implementation per file: mmt_selector.cpp, mc_selector.cpp,
// rs_selector.cpp, mu_selector.cpp.
class VmSelector {
 public:
  virtual ~VmSelector() = default;
  virtual std::string name() const = 0;
  virtual int select(const sim::Placement& p, int host) = 0;
};

std::vector<int> migratable_vms(const sim::Placement& p, int host);

// MMT: least RAM (shortest migration).
std::unique_ptr<VmSelector> make_mmt_selector();
// MU: lowest current CPU utilisation.
std::unique_ptr<VmSelector> make_mu_selector();
// MC: highest R^2 of its utilisation history regressed on the other VMs'
// (maximum correlation); the fallback decides when the regression is impossible.
std::unique_ptr<VmSelector> make_mc_selector(std::unique_ptr<VmSelector> fallback);
// RS: uniformly random, from java.util.Random seeded with `seed` (one stream per
// run) so a CloudSim run patched to `new Random(seed)` once picks the same VMs.
std::unique_ptr<VmSelector> make_rs_selector(std::uint64_t seed);

// java.util.Random (48-bit LCG), nextInt(bound) included.
class JavaRandom {
 public:
  explicit JavaRandom(std::int64_t seed);
  int next_int(int bound);

 private:
  int next(int bits);
  std::int64_t seed_;
};

}  // namespace migsim::policies
