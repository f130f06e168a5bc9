#include "sim/sweep_expansion.hpp"

#include "sim/input_error.hpp"

namespace migsim {

namespace {
// `prefix` names the object as users write it ("qemu.downtime_limit_ms"); `at` points
// to it, built key by key so that a key holding '.', '/' or '~' points where it is
// (fuzzing found "a~b": a dotted path made into a JSON pointer threw parse_error.108).
void collect(const nlohmann::json& obj, const std::string& prefix, const nlohmann::json::json_pointer& at,
             const std::set<std::string>& list_fields, std::vector<SweepAxis>& out) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {  // nlohmann::json objects iterate sorted
    const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
    const auto& v = it.value();
    if (v.is_object()) {
      collect(v, path, at / it.key(), list_fields, out);
    } else if (v.is_array()) {
      const bool natural_list = list_fields.count(it.key()) != 0;
      if (natural_list && !(v.size() > 0 && v[0].is_array() && v[0].size() > 0 && v[0][0].is_array())) {
        continue;  // e.g. one dirty_rate_series, not a list of them
      }
      out.push_back({path, std::vector<nlohmann::json>(v.begin(), v.end()), at / it.key()});
    }
  }
}

}  // namespace

std::vector<SweepAxis> find_sweep_axes(const nlohmann::json& spec,
                                       const std::set<std::string>& list_fields) {
  std::vector<SweepAxis> axes;
  if (spec.is_object()) collect(spec, "", nlohmann::json::json_pointer(), list_fields, axes);
  return axes;
}

std::vector<SweepPoint> expand_sweep(const nlohmann::json& spec,
                                     const std::set<std::string>& list_fields,
                                     const std::string& where, std::size_t max_points) {
  return expand_axes(spec, find_sweep_axes(spec, list_fields), where, max_points);
}

std::vector<SweepPoint> expand_axes(const nlohmann::json& spec, const std::vector<SweepAxis>& axes,
                                    const std::string& where, std::size_t max_points) {
  std::size_t total = 1;
  for (const auto& a : axes) {
    if (a.values.empty()) throw InputError(where + ": " + a.path + ": an axis needs at least one value");
    if (total > max_points / a.values.size()) {
      throw InputError(where + ": the sweep has more than " + std::to_string(max_points) +
                       " points; narrow its axes");
    }
    total *= a.values.size();
  }
  std::vector<SweepPoint> points;
  points.reserve(total);
  std::vector<std::size_t> idx(axes.size(), 0);
  for (std::size_t n = 0; n < total; ++n) {
    SweepPoint p{spec, nlohmann::json::object()};
    for (std::size_t a = 0; a < axes.size(); ++a) {
      p.spec[axes[a].pointer] = axes[a].values[idx[a]];
      p.coordinates[axes[a].path] = axes[a].values[idx[a]];
    }
    points.push_back(std::move(p));
    for (std::size_t a = axes.size(); a-- > 0;) {  // odometer: last axis fastest
      if (++idx[a] < axes[a].values.size()) break;
      idx[a] = 0;
    }
  }
  return points;
}

}  // namespace migsim
