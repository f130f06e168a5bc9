#pragma once
#include <string>

namespace migsim::sim {

// Electrical power of a host as a function of its CPU utilisation in [0, 1].
// Implementations live in models/ (models/power_model.hpp); the cluster engine
// only sees this interface.
class PowerCurve {
 public:
  virtual ~PowerCurve() = default;
  virtual std::string name() const = 0;
  virtual double watts(double utilization) const = 0;  // utilization in [0, 1]
  double max_watts() const { return watts(1.0); }
};

}  // namespace migsim::sim
