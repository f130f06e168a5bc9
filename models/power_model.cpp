#include "models/power_model.hpp"

#include <cmath>
#include <stdexcept>

#include "sim/input_error.hpp"

namespace migsim::models {

PowerTable::PowerTable(std::string name, std::vector<double> watts)
    : name_(std::move(name)), watts_(std::move(watts)) {
  if (watts_.size() < 2) throw std::invalid_argument("PowerTable: at least 2 points");
}

double PowerTable::watts(double utilization) const {
  if (utilization < 0 || utilization > 1) {
    throw std::domain_error("PowerTable: utilization must be between 0 and 1");
  }
  if (watts_.size() == 11) {
    // CloudSim PowerModelSpecPower.getPower, operation for operation.
    // fmod(u, 0.1) == 0 needs u * 10 to be (almost) an integer: test that first.
    // For u in [0, 1], x = u * 10 >= 0, so truncation is floor. fmod(u, 0.1) == 0
    // needs x to be (almost) an integer: test that first.
    const double x = utilization * 10;
    const int u1 = static_cast<int>(x);
    const int u2 = static_cast<double>(u1) == x ? u1 : u1 + 1;
    const double frac = x - static_cast<double>(u1);
    if ((frac < 1e-9 || frac > 1 - 1e-9) && std::fmod(utilization, 0.1) == 0) {
      return watts_[static_cast<std::size_t>(x)];
    }
    const double p1 = watts_[static_cast<std::size_t>(u1)];
    const double p2 = watts_[static_cast<std::size_t>(u2)];
    const double delta = (p2 - p1) / 10;
    return p1 + delta * (utilization - static_cast<double>(u1) / 10) * 100;
  }
  const double steps = static_cast<double>(watts_.size() - 1);
  const double x = utilization * steps;
  const std::size_t i = std::min(static_cast<std::size_t>(std::floor(x)), watts_.size() - 2);
  const double f = x - static_cast<double>(i);
  return watts_[i] + (watts_[i + 1] - watts_[i]) * f;
}

const std::vector<std::string>& builtin_power_model_names() {
  static const std::vector<std::string> names{"hp-ml110-g4", "hp-ml110-g5"};
  return names;
}

std::shared_ptr<const PowerTable> builtin_power_model(const std::string& name) {
  if (name == "hp-ml110-g4") {
    static const auto g4 = std::make_shared<const PowerTable>(
        "hp-ml110-g4",
        std::vector<double>{86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117});
    return g4;
  }
  if (name == "hp-ml110-g5") {
    static const auto g5 = std::make_shared<const PowerTable>(
        "hp-ml110-g5",
        std::vector<double>{93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135});
    return g5;
  }
  return nullptr;
}

std::shared_ptr<const PowerTable> power_model_from_json(const nlohmann::json& j,
                                                        const std::string& where) {
  if (j.is_string()) {
    auto m = builtin_power_model(j.get<std::string>());
    if (!m) {
      throw InputError(where + ": unknown power model " + json_snippet(j) +
                       " (expected hp-ml110-g4, hp-ml110-g5 or {\"name\": ..., \"watts\": [...]})");
    }
    return m;
  }
  JsonObject o(j, where);
  const std::string name = o.string("name");
  const std::vector<double> w = o.array_of_numbers("watts", NumberRule::NonNegative);
  o.finish();
  if (w.size() < 2) {
    throw InputError(o.path("watts") + ": need at least 2 points (0 % and 100 %), got " +
                     std::to_string(w.size()));
  }
  return std::make_shared<const PowerTable>(name, w);
}

}  // namespace migsim::models
