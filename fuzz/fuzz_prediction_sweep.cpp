// A `migsim sweep` spec: its axes expanded and every point checked.
#include "experiments/prediction_batch.hpp"
#include "fuzz/fuzz_input.hpp"
#include "sim/json_input.hpp"

MIGSIM_FUZZ_TARGET(text) {
  const migsim::experiments::PredictionSweep sweep(migsim::parse_json_text(text, "fuzz.json"), "fuzz.json",
                                                   migsim::models::MigrationScenario{}, 1);
}
