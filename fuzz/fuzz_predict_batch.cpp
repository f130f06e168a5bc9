// A `migsim predict --batch` file: the fast case scanner and the whole-document reading.
#include "experiments/prediction_batch.hpp"
#include "fuzz/fuzz_input.hpp"

MIGSIM_FUZZ_TARGET(text) {
  migsim::experiments::parse_prediction_cases(text, "fuzz.json", migsim::models::MigrationScenario{}, 1);
}
