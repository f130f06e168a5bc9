#pragma once
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "models/precopy_types.hpp"
#include "sim/json_input.hpp"

namespace migsim::models {

// One migration case in JSON, with the keys of `migsim predict`'s flags
// (--ram-mib -> "ram_mib"). Unknown keys, wrong types and impossible values
// raise InputError naming `where` and the field. Keys left out keep `base`'s values.
MigrationScenario scenario_from_json(JsonObject& obj, const MigrationScenario& base);
// A whole case on its own (the Python module's predict()): `doc` is one object of
// those keys, ram_mib required ("where: ram_mib is required ..."), no other key.
MigrationScenario scenario_from_case(const nlohmann::json& doc, const std::string& where,
                                     const MigrationScenario& base);
// Reads the optional keys of a host profile (HostProfile's field names).
HostProfile host_profile_from_json(JsonObject& obj, const HostProfile& base);
HostProfile read_host_profile_file(const std::string& path);
// The same for a document already read from `path` (a bare profile or a calibration file).
HostProfile host_profile_from_document(const nlohmann::json& j, const std::string& path);
nlohmann::json to_json(const HostProfile& h);

// Cross-field checks shared by the CLI and the JSON readers. `name_of` maps a
// JSON key ("wss_mib") to how the user wrote it ("--wss-mib" or "cases[2].wss_mib").
void check_scenario(const MigrationScenario& sc,
                    const std::function<std::string(const char*)>& name_of);

DirtyPattern parse_dirty_pattern(const std::string& s, const std::string& field);
Pacing parse_pacing(const std::string& s, const std::string& field);

}  // namespace migsim::models
