#pragma once
#include <string>
#include <vector>

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
  // Utilisations, ascending from 0 to 1, between which the curve is linear;
  // empty when it is not piecewise linear (a search that needs this then
  // visits every host).
  virtual std::vector<double> breakpoints() const { return {}; }
};

}  // namespace migsim::sim
