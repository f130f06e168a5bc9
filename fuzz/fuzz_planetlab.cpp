// One PlanetLab trace file (one CPU utilization percentage per line).
#include "fuzz/fuzz_input.hpp"
#include "traces/planetlab_reader.hpp"

MIGSIM_FUZZ_TARGET(text) {
  migsim::traces::PlanetLabOptions o;
  o.samples = 16;
  migsim::traces::parse_planetlab_file("fuzz/vm", text, o);
}
