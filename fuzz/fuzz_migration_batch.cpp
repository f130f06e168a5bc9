// A `migsim batch` file: network, profile, defaults, migrations and schedule.
#include "experiments/migration_batch.hpp"
#include "fuzz/fuzz_input.hpp"
#include "sim/json_input.hpp"

MIGSIM_FUZZ_TARGET(text) {
  migsim::experiments::read_migration_batch(migsim::parse_json_text(text, "fuzz.json"), "fuzz.json");
  migsim::experiments::parse_batch_schedule_flag(text, "--schedule");
}
