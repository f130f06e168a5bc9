#include "models/model_selection.hpp"

#include "models/model_registry.hpp"
#include "sim/input_error.hpp"
#include "sim/name_list.hpp"

namespace migsim::models {

std::vector<std::unique_ptr<MigrationModel>> models_named(const std::string& field, const std::string& which) {
  std::vector<std::unique_ptr<MigrationModel>> out;
  if (which == "all") {
    for (const auto& n : predictor_names()) out.push_back(make_migration_model(n));
    return out;
  }
  const ModelEntry* e = find_model(which);
  if (!e || e->role != ModelRole::Predictor) {
    throw InputError(field + ": unknown model '" + which + "' (expected " + join_names(model_choices(), " or ") +
                     ")");
  }
  out.push_back(e->make_model());
  return out;
}

std::vector<std::string> model_choices() {
  std::vector<std::string> out = predictor_names();
  out.emplace_back("all");
  return out;
}

}  // namespace migsim::models
