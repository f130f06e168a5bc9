// The model registry is the one list of migration models: every factory and
// every list of names must agree with it.
#include <gtest/gtest.h>

#include <algorithm>

#include "models/migration_timer.hpp"
#include "models/model_registry.hpp"
#include "sim/input_error.hpp"
#include "sim/name_list.hpp"

using namespace migsim;
using namespace migsim::models;

namespace {
MigrationScenario small_case() {
  MigrationScenario sc;
  sc.memory = {1024.0, 512.0};
  sc.workload.wss_mib = 64;
  sc.workload.pages_per_sec = 2000;
  sc.options.record_iterations = false;
  return sc;
}
}  // namespace

TEST(ModelRegistry, EveryEntryBuildsTheModelItNames) {
  for (const auto& e : model_registry()) {
    const auto m = make_migration_model(e.name);
    ASSERT_TRUE(m) << e.name;
    EXPECT_EQ(m->name(), e.name);
    EXPECT_EQ(m->predict(small_case()).model, e.name);
    EXPECT_EQ(find_model(e.name), &e);
    EXPECT_GT(std::string(e.description).size(), 10u) << e.name;
  }
  EXPECT_FALSE(make_migration_model("nope"));
  EXPECT_EQ(find_model("nope"), nullptr);
}

TEST(ModelRegistry, ListsAreTheTableFiltered) {
  const auto all = model_names();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front(), kDefaultModel);
  std::vector<std::string> predictors, timers;
  for (const auto& e : model_registry()) {
    if (e.role == ModelRole::Predictor) predictors.emplace_back(e.name);
    if (e.make_timer) timers.emplace_back(e.name);
  }
  EXPECT_EQ(predictor_names(), predictors);
  EXPECT_EQ(timer_model_names(), timers);
  EXPECT_LT(predictors.size(), all.size());  // a report-only baseline is not a --model choice
  for (const auto& n : predictors) EXPECT_NE(predictor_help().find(n), std::string::npos);
}

TEST(ModelRegistry, TimersComeFromTheRegistryWithTheScenarioSettings) {
  sim::MigrationRequest r;
  r.ram_mib = 1024;
  r.link_mbps = 1000;
  r.wss_mib = 64;
  r.dirty_pages_per_sec = 1000;
  for (const auto& n : timer_model_names()) {
    const auto t = make_migration_timer(n);
    ASSERT_TRUE(t) << n;
    EXPECT_EQ(t->name(), n);
    EXPECT_EQ(make_migration_timer(n, sim::MigrationSettings{}, "s.json: migration.model")->name(), n);
  }
  // The scenario's bandwidth cap reaches the pre-copy timer: 16 MiB/s takes longer than the link.
  sim::MigrationSettings slow;
  slow.max_bandwidth_mibps = 16;
  const double capped = make_migration_timer(kDefaultModel, slow, "w")->time(r).duration_s;
  const double link = make_migration_timer(kDefaultModel, sim::MigrationSettings{}, "w")->time(r).duration_s;
  EXPECT_GT(capped, 2 * link);
  for (const auto& e : model_registry()) {
    if (e.make_timer) continue;
    EXPECT_FALSE(make_migration_timer(e.name));
    try {
      make_migration_timer(e.name, sim::MigrationSettings{}, "s.json: migration.model");
      FAIL() << e.name;
    } catch (const InputError& err) {
      EXPECT_EQ(std::string(err.what()), std::string("s.json: migration.model: unknown value \"") + e.name +
                                             "\" (expected one of: " + join_names(timer_model_names()) + ")");
    }
  }
}
