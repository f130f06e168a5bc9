// A batch dataset (`migsim validate report` of recorded batches: JSON lines).
#include "fuzz/fuzz_input.hpp"
#include "sim/json_input.hpp"
#include "validation/batch_dataset.hpp"

MIGSIM_FUZZ_TARGET(text) {
  migsim::validation::for_each_jsonl_line_of(text, "fuzz.jsonl", [](const std::string& line, const std::string& where) {
    migsim::validation::measured_batch_from_record(migsim::parse_json_text(line, where), where);
    return true;
  });
}
