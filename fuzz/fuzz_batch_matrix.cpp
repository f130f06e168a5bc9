// A batch matrix (`migsim validate record` of concurrent migrations over one shaped link).
#include "fuzz/fuzz_input.hpp"
#include "sim/json_input.hpp"
#include "validation/batch_case.hpp"

MIGSIM_FUZZ_TARGET(text) {
  migsim::validation::parse_batch_matrix(migsim::parse_json_text(text, "fuzz.json"), "fuzz.json");
}
