// A validation matrix (`migsim validate record`).
#include "fuzz/fuzz_input.hpp"
#include "sim/json_input.hpp"
#include "validation/validation_case.hpp"

MIGSIM_FUZZ_TARGET(text) {
  migsim::validation::parse_matrix(migsim::parse_json_text(text, "fuzz.json"), "fuzz.json");
}
