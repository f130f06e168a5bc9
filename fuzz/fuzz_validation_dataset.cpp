// A validation dataset (`migsim validate report`: JSON lines of recorded migrations).
#include "fuzz/fuzz_input.hpp"
#include "validation/validation_dataset.hpp"

MIGSIM_FUZZ_TARGET(text) { migsim::validation::parse_dataset(text, "fuzz.jsonl"); }
