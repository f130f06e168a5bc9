#include "models/model_registry.hpp"

#include <algorithm>

#include "models/baseline_models.hpp"
#include "models/migration_timer.hpp"
#include "models/qemu_precopy_model.hpp"
#include "models/ram_over_bw_model.hpp"
#include "sim/input_error.hpp"
#include "sim/name_list.hpp"

namespace migsim::models {

namespace {
template <typename Model>
std::unique_ptr<MigrationModel> make() {
  return std::make_unique<Model>();
}

std::unique_ptr<sim::MigrationTimer> cloudsim_timer(const sim::MigrationSettings*) {
  return std::make_unique<CloudSimMigrationTimer>();
}

std::unique_ptr<sim::MigrationTimer> precopy_timer(const sim::MigrationSettings* m) {
  if (!m) return std::make_unique<PrecopyMigrationTimer>();
  PrecopyMigrationTimer::Settings s;
  s.qemu.max_bandwidth_mibps = m->max_bandwidth_mibps;
  s.qemu.downtime_limit_ms = m->downtime_limit_ms;
  s.qemu.auto_converge = m->auto_converge;
  s.nonzero_fraction = m->nonzero_fraction;
  return std::make_unique<PrecopyMigrationTimer>(s);
}

// kDefaultModel first: the validation report lists the models in this order.
const ModelEntry kModels[] = {
    {"qemu-precopy", "QEMU 7.2's pre-copy migration thread, simulated (the default)", ModelRole::Predictor,
     make<QemuPrecopyModel>, precopy_timer},
    {"geometric", "textbook closed-form geometric pre-copy (Liu et al., Akoush et al.)", ModelRole::Predictor,
     make<GeometricModel>, nullptr},
    {"cloudsim", "CloudSim: RAM / (BW / 2), no dirty pages, no downtime", ModelRole::Predictor,
     make<CloudSimModel>, cloudsim_timer},
    {"ram_over_bw", "all of RAM once at the configured bandwidth, no downtime", ModelRole::ReportBaseline,
     make<RamOverBwModel>, nullptr},
};

template <typename Keep>
std::vector<std::string> names_where(Keep keep) {
  std::vector<std::string> out;
  for (const auto& e : model_registry()) {
    if (keep(e)) out.emplace_back(e.name);
  }
  return out;
}
}  // namespace

std::span<const ModelEntry> model_registry() { return kModels; }

const ModelEntry* find_model(std::string_view name) {
  for (const auto& e : model_registry()) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

std::vector<std::string> model_names() {
  return names_where([](const ModelEntry&) { return true; });
}

std::vector<std::string> predictor_names() {
  return names_where([](const ModelEntry& e) { return e.role == ModelRole::Predictor; });
}

std::vector<std::string> timer_model_names() {
  return names_where([](const ModelEntry& e) { return e.make_timer != nullptr; });
}

std::string predictor_help() {
  std::string out;
  for (const auto& e : model_registry()) {
    if (e.role != ModelRole::Predictor) continue;
    std::string name = e.name;
    name.resize(std::max<std::size_t>(name.size(), 14), ' ');
    out += "  " + name + e.description + "\n";
  }
  return out;
}

std::unique_ptr<MigrationModel> make_migration_model(const std::string& name) {
  const ModelEntry* e = find_model(name);
  return e ? e->make_model() : nullptr;
}

std::unique_ptr<sim::MigrationTimer> make_migration_timer(const std::string& name) {
  const ModelEntry* e = find_model(name);
  return e && e->make_timer ? e->make_timer(nullptr) : nullptr;
}

std::unique_ptr<sim::MigrationTimer> make_migration_timer(const std::string& name,
                                                          const sim::MigrationSettings& settings,
                                                          const std::string& where) {
  const ModelEntry* e = find_model(name);
  if (!e || !e->make_timer) {
    throw InputError(where + ": unknown value \"" + name + "\" (expected one of: " +
                     join_names(timer_model_names()) + ")");
  }
  return e->make_timer(&settings);
}

}  // namespace migsim::models
