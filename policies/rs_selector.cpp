// Random selection (RS) of the VM to migrate.
#include "policies/vm_selector.hpp"

namespace migsim::policies {

JavaRandom::JavaRandom(std::int64_t seed)
    : seed_((seed ^ 0x5DEECE66DLL) & ((1LL << 48) - 1)) {}

int JavaRandom::next(int bits) {
  seed_ = static_cast<std::int64_t>((static_cast<std::uint64_t>(seed_) * 0x5DEECE66DULL + 0xBULL) &
                                    ((1ULL << 48) - 1));
  return static_cast<int>(static_cast<std::uint64_t>(seed_) >> (48 - bits));
}

int JavaRandom::next_int(int bound) {
  int r = next(31);
  const int m = bound - 1;
  if ((bound & m) == 0) return static_cast<int>((static_cast<std::int64_t>(bound) * r) >> 31);
  // Java's int arithmetic wraps: u - r + m < 0 rejects the biased tail.
  for (int u = r;; u = next(31)) {
    r = u % bound;
    const auto wrapped = static_cast<std::int32_t>(static_cast<std::uint32_t>(u) -
                                                   static_cast<std::uint32_t>(r) +
                                                   static_cast<std::uint32_t>(m));
    if (wrapped >= 0) break;
  }
  return r;
}

namespace {
class RsSelector final : public VmSelector {
 public:
  explicit RsSelector(std::uint64_t seed) : rng_(static_cast<std::int64_t>(seed)) {}
  std::string name() const override { return "rs"; }
  int select(const sim::Placement& p, int host) override {
    const std::vector<int> vms = migratable_vms(p, host);
    if (vms.empty()) return -1;
    return vms[static_cast<std::size_t>(rng_.next_int(static_cast<int>(vms.size())))];
  }

 private:
  JavaRandom rng_;
};
}  // namespace

std::unique_ptr<VmSelector> make_rs_selector(std::uint64_t seed) {
  return std::make_unique<RsSelector>(seed);
}

}  // namespace migsim::policies
