#include "policies/dynamic_consolidation.hpp"

#include "policies/evacuation.hpp"

#include "policies/underload_consolidation.hpp"

namespace migsim::policies {

DynamicConsolidation::DynamicConsolidation(std::string name, std::unique_ptr<OverloadDetector> detector,
                                           std::unique_ptr<VmSelector> selector)
    : name_(std::move(name)),
      detector_(std::move(detector)),
      selector_(std::move(selector)),
      pabfd_(*detector_) {}

int DynamicConsolidation::place_new(sim::Placement& p, int vm) {
  std::vector<char> excluded(static_cast<std::size_t>(p.host_count()), 0);
  if (p.host_of(vm) >= 0) excluded[p.host_of(vm)] = 1;
  return pabfd_.find_host(p, vm, excluded);
}

std::vector<sim::MigrationOrder> DynamicConsolidation::optimize(sim::Placement& p, double /*now*/) {
  std::vector<int> overloaded;
  for (int h = 0; h < p.host_count(); ++h) {
    if (detector_->overloaded(p, h)) overloaded.push_back(h);
  }
  const sim::TrialMoves trial(p);
  std::vector<int> to_move;
  for (int h : overloaded) {
    while (true) {
      const int v = selector_->select(p, h);
      if (v < 0) break;
      to_move.push_back(v);
      p.destroy(h, v);
      if (!detector_->overloaded(p, h)) break;
    }
  }
  std::vector<char> excluded(static_cast<std::size_t>(p.host_count()), 0);
  for (int h : overloaded) excluded[h] = 1;
  std::vector<sim::MigrationOrder> orders;
  for (const auto& [v, h] : pabfd_.place_all(p, to_move, excluded, false)) {
    orders.push_back({v, h, -1, sim::kCauseOverload});
  }
  for (const auto& o : underloaded_host_migrations(p, overloaded, pabfd_)) orders.push_back(o);
  return orders;
}

std::string DynamicConsolidation::cause_name(int cause) const {
  if (cause == sim::kCauseOverload) return "overload " + detector_->name();
  return ConsolidationPolicy::cause_name(cause);
}

std::vector<sim::MigrationOrder> DynamicConsolidation::evacuate(sim::Placement& p, int host, double /*now*/) {
  return evacuation_moves(p, host, pabfd_);
}

}  // namespace migsim::policies
