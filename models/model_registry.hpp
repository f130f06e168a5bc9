#pragma once
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/migration_model.hpp"
#include "sim/cluster_scenario.hpp"
#include "sim/migration_timing.hpp"

namespace migsim::models {

// Every migration model migsim knows, by name, in one table (model_registry.cpp).
// `--model` of predict/sweep, the cluster scenario's migration.model, the
// validation report's models and baselines, and every "unknown model ... expected
// one of" error list from here, in table order. Adding a model: its own source
// file, one line in the table, its tests.
enum class ModelRole {
  Predictor,       // offered by --model (and part of --model all)
  ReportBaseline,  // only a baseline of the validation report
};

struct ModelEntry {
  const char* name;         // "qemu-precopy"
  const char* description;  // one line, for help texts
  ModelRole role;
  std::unique_ptr<MigrationModel> (*make_model)();
  // The cluster engine's timer of this model, from a scenario's migration settings
  // (nullptr: the timer's own defaults). nullptr: clusters cannot use this model.
  std::unique_ptr<sim::MigrationTimer> (*make_timer)(const sim::MigrationSettings* settings);
};

// The model `--model` means when not given, and the one the validation report scores.
inline constexpr const char* kDefaultModel = "qemu-precopy";

std::span<const ModelEntry> model_registry();
// nullptr when no entry has that name.
const ModelEntry* find_model(std::string_view name);

// Every name (report order: kDefaultModel first, then the baselines).
std::vector<std::string> model_names();
// The names with role Predictor (what --model all runs).
std::vector<std::string> predictor_names();
// The names that have a cluster timer (a scenario's migration.model).
std::vector<std::string> timer_model_names();
// One line per Predictor, "  name  description", for --help footers.
std::string predictor_help();

// The cluster timer `name` builds from `settings`; InputError naming `where`
// ("file.json: migration.model") and the value for a name without a timer.
std::unique_ptr<sim::MigrationTimer> make_migration_timer(const std::string& name,
                                                          const sim::MigrationSettings& settings,
                                                          const std::string& where);

// Also defined in model_registry.cpp, declared with their interfaces:
//   make_migration_model(name)  (models/migration_model.hpp)
//   make_migration_timer(name)  (models/migration_timer.hpp)

}  // namespace migsim::models
