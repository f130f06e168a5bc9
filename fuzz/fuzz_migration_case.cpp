// One migration case (a `migsim predict --batch` case, its host profile included).
#include "fuzz/fuzz_input.hpp"
#include "models/scenario_json.hpp"
#include "sim/json_input.hpp"

MIGSIM_FUZZ_TARGET(text) {
  const nlohmann::json doc = migsim::parse_json_text(text, "fuzz.json");
  migsim::JsonObject o(doc, "fuzz.json");
  migsim::models::scenario_from_json(o, migsim::models::MigrationScenario{});
  o.finish();
}
