#include "models/prediction_document.hpp"

#include <stdexcept>

#include "models/prediction_json.hpp"

namespace migsim::models {

nlohmann::json prediction_document(const MigrationScenario& sc,
                                   const std::vector<std::unique_ptr<MigrationModel>>& models) {
  if (models.empty()) throw std::invalid_argument("prediction_document: no model");
  nlohmann::json doc = to_json(models[0]->predict(sc));
  for (std::size_t i = 1; i < models.size(); ++i) {
    doc["baselines"][models[i]->name()] = to_json(models[i]->predict(sc));
  }
  return doc;
}

}  // namespace migsim::models
