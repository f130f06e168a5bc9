#include "models/prediction_document.hpp"

#include <stdexcept>

#include "models/prediction_json.hpp"

namespace migsim::models {

nlohmann::json prediction_document(const MigrationScenario& sc,
                                   const std::vector<std::unique_ptr<MigrationModel>>& models,
                                   const PredictionDecorator& decorate) {
  if (models.empty()) throw std::invalid_argument("prediction_document: no model");
  auto one = [&](const MigrationModel& m) {
    const Prediction p = m.predict(sc);
    nlohmann::json j = to_json(p);
    if (decorate) decorate(j, p);
    return j;
  };
  nlohmann::json doc = one(*models[0]);
  for (std::size_t i = 1; i < models.size(); ++i) doc["baselines"][models[i]->name()] = one(*models[i]);
  return doc;
}

}  // namespace migsim::models
