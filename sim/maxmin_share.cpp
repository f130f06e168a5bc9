#include "sim/maxmin_share.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace migsim::sim {

std::vector<double> max_min_rates(const std::vector<double>& capacities,
                                  const std::vector<std::vector<int>>& flows) {
  const int links = static_cast<int>(capacities.size());
  for (int l = 0; l < links; ++l) {
    if (!(std::isfinite(capacities[l]) && capacities[l] > 0)) {
      throw std::invalid_argument("max_min_rates: capacity of link " + std::to_string(l) +
                                  " must be > 0 and finite");
    }
  }
  constexpr double unconstrained = std::numeric_limits<double>::infinity();
  std::vector<std::vector<int>> routes(flows.size());
  std::vector<double> rate(flows.size(), unconstrained);
  std::vector<char> fixed(flows.size(), 0);
  std::vector<double> remaining = capacities;
  std::vector<int> unfixed_on(static_cast<std::size_t>(links), 0);
  for (std::size_t f = 0; f < flows.size(); ++f) {
    routes[f] = flows[f];
    std::sort(routes[f].begin(), routes[f].end());
    routes[f].erase(std::unique(routes[f].begin(), routes[f].end()), routes[f].end());
    for (int l : routes[f]) {
      if (l < 0 || l >= links) {
        throw std::invalid_argument("max_min_rates: flow " + std::to_string(f) + " crosses link " +
                                    std::to_string(l) + ", not one of the " +
                                    std::to_string(links) + " links");
      }
      ++unfixed_on[l];
    }
    if (routes[f].empty()) fixed[f] = 1;
  }
  while (true) {
    int bottleneck = -1;
    double share = unconstrained;
    for (int l = 0; l < links; ++l) {
      if (unfixed_on[l] == 0) continue;
      const double s = std::max(remaining[l], 0.0) / unfixed_on[l];
      if (s < share) {  // strict: the lowest link id wins a tie
        share = s;
        bottleneck = l;
      }
    }
    if (bottleneck < 0) break;
    for (std::size_t f = 0; f < routes.size(); ++f) {
      if (fixed[f] || !std::binary_search(routes[f].begin(), routes[f].end(), bottleneck)) continue;
      fixed[f] = 1;
      rate[f] = share;
      for (int l : routes[f]) {
        remaining[l] -= share;
        --unfixed_on[l];
      }
    }
    remaining[bottleneck] = 0;  // saturated, whatever the rounding left
  }
  return rate;
}

}  // namespace migsim::sim
