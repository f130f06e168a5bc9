#include "models/scenario_json.hpp"

#include <gtest/gtest.h>

#include "sim/input_error.hpp"

using namespace migsim;
using namespace migsim::models;

TEST(HostProfileJson, RoundTripKeepsEveryField) {
  HostProfile h;
  h.link_mibps = 600;
  h.first_pass_mibps = 333;
  h.live_copy_mibps = 1700;
  h.tcg_tlb_entries = 4096;
  h.setup_ms = 4;
  h.zero_page_ns = 62;
  h.sync_ms_per_gib = 0.03;
  h.downtime_overhead_ms = 0.9;
  h.background_dirty_pages_per_sec = 156;
  h.background_wss_mib = 16;
  const nlohmann::json j = to_json(h);
  JsonObject o(j, "profile.json");
  const HostProfile back = host_profile_from_json(o, HostProfile{});
  o.finish();  // to_json writes no key that the reader does not know
  EXPECT_EQ(to_json(back), j);
  EXPECT_EQ(back.first_pass_mibps, 333);
  EXPECT_EQ(back.live_copy_mibps, 1700);
  EXPECT_EQ(back.tcg_tlb_entries, 4096);
}

TEST(ScenarioJson, TailNonzeroIsReadAndChecked) {
  const nlohmann::json ok = {{"ram_mib", 512}, {"nonzero_mib", 100}, {"tail_nonzero_mib", 8}};
  JsonObject o(ok, "case.json");
  EXPECT_EQ(scenario_from_json(o, MigrationScenario{}).memory.tail_nonzero_mib, 8);
  const nlohmann::json bad = {{"ram_mib", 512}, {"nonzero_mib", 100}, {"tail_nonzero_mib", 200}};
  JsonObject b(bad, "case.json");
  try {
    scenario_from_json(b, MigrationScenario{});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("case.json: tail_nonzero_mib"), std::string::npos) << e.what();
  }
}
