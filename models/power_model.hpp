#pragma once
#include <memory>
#include <string>
#include <vector>

#include "sim/json_input.hpp"
#include "sim/power_curve.hpp"

namespace migsim::models {

// A SPECpower-style table: watts at 0 %, 10 %, ..., 100 % CPU (any number of
// evenly spaced points >= 2), linear in between. With 11 points the arithmetic
// is CloudSim 3.0.3's PowerModelSpecPower (utilization % 0.1, floor/ceil of
// u*10) so energies match it bit for bit.
class PowerTable final : public sim::PowerCurve {
 public:
  PowerTable(std::string name, std::vector<double> watts);
  std::string name() const override { return name_; }
  double watts(double utilization) const override;
  const std::vector<double>& points() const { return watts_; }

 private:
  std::string name_;
  std::vector<double> watts_;
};

// Built-in tables: "hp-ml110-g4" (HP ProLiant ML110 G4, Xeon 3040) and
// "hp-ml110-g5" (ML110 G5, Xeon 3075), from SPECpower_ssj2008 as in CloudSim.
std::shared_ptr<const PowerTable> builtin_power_model(const std::string& name);
const std::vector<std::string>& builtin_power_model_names();

// A power model in JSON: a built-in name ("hp-ml110-g5") or an object
// {"name": "...", "watts": [w0, ..., w100]} (non-negative, non-decreasing not required).
std::shared_ptr<const PowerTable> power_model_from_json(const nlohmann::json& j,
                                                        const std::string& where);

}  // namespace migsim::models
