#include "models/app_model_registry.hpp"

namespace migsim::models {

namespace {
struct AppModelEntry {
  const char* name;
  std::unique_ptr<AppImpactModel> (*make)();
};

template <typename Model>
std::unique_ptr<AppImpactModel> make() {
  return std::make_unique<Model>();
}

const AppModelEntry kAppModels[] = {
    {"queue", make<QueueAppModel>},
    {"downtime-only", make<DowntimeOnlyAppModel>},
};
}  // namespace

std::unique_ptr<AppImpactModel> make_app_model(const std::string& name) {
  for (const auto& e : kAppModels) {
    if (name == e.name) return e.make();
  }
  return nullptr;
}

std::vector<std::string> app_model_names() {
  std::vector<std::string> out;
  for (const auto& e : kAppModels) out.emplace_back(e.name);
  return out;
}

}  // namespace migsim::models
