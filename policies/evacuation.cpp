#include "policies/evacuation.hpp"

namespace migsim::policies {

std::vector<sim::MigrationOrder> evacuation_moves(sim::Placement& p, int host, const PowerAwareBestFit& pabfd) {
  const sim::TrialMoves trial(p);
  std::vector<int> to_move;
  for (int v : p.vms_on(host)) {
    if (!p.in_migration(v)) to_move.push_back(v);
  }
  for (int v : to_move) p.destroy(host, v);
  std::vector<char> excluded(static_cast<std::size_t>(p.host_count()), 0);
  excluded[static_cast<std::size_t>(host)] = 1;
  std::vector<sim::MigrationOrder> orders;
  for (const auto& [v, h] : pabfd.place_all(p, std::move(to_move), excluded, false)) orders.push_back({v, h, -1, sim::kCauseEvacuation});
  return orders;
}

}  // namespace migsim::policies
