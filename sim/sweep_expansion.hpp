#pragma once
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace migsim {

// OpenDC-style experiment specs: every list-valued field of a JSON object is a
// sweep axis, and the expansion is the cartesian product of the axes, in a fixed
// order (axes in key order, the last axis varying fastest). Fields that are lists
// by nature (named in `list_fields`) are axes only when they hold a list of lists.
struct SweepAxis {
  std::string path;                   // the coordinate's name: "wss_mib", "profile.link_mibps", "/a/0/b"
  std::vector<nlohmann::json> values;
  nlohmann::json::json_pointer pointer;  // where the values go in the spec
};

struct SweepPoint {
  nlohmann::json spec;                // the object with every axis set to one value
  nlohmann::json coordinates;         // {"wss_mib": 256, ...}
};

std::vector<SweepAxis> find_sweep_axes(const nlohmann::json& spec,
                                       const std::set<std::string>& list_fields);
// Throws InputError (naming `where` and the field) for an empty axis, or when the
// product has more than `max_points` points.
std::vector<SweepPoint> expand_sweep(const nlohmann::json& spec,
                                     const std::set<std::string>& list_fields,
                                     const std::string& where, std::size_t max_points = 100000);
// The cartesian product of given axes over `spec` (the last axis varying fastest),
// with the same errors; expand_sweep is find_sweep_axes + this.
std::vector<SweepPoint> expand_axes(const nlohmann::json& spec, const std::vector<SweepAxis>& axes,
                                    const std::string& where, std::size_t max_points = 100000);

}  // namespace migsim
