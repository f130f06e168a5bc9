// A cluster scenario (`migsim run`), its network included.
#include "fuzz/fuzz_input.hpp"
#include "sim/cluster_scenario.hpp"
#include "sim/json_input.hpp"

MIGSIM_FUZZ_TARGET(text) {
  migsim::sim::parse_cluster_scenario(migsim::parse_json_text(text, "fuzz.json"), "fuzz.json");
}
