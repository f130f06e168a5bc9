#include "sim/consolidation_policy.hpp"

namespace migsim::sim {

std::string ConsolidationPolicy::cause_name(int cause) const {
  if (cause == kCauseUnderload) return "underload";
  if (cause == kCauseEvacuation) return "evacuation";
  if (cause >= kCauseOverload) return "overload";
  return "unspecified";
}

}  // namespace migsim::sim
