// A libvirt trace (`migsim capture`'s JSON lines) and the two readings of it
// that `migsim replay` makes: the utilization series and the recorded migrations.
#include "fuzz/fuzz_input.hpp"
#include "traces/libvirt_trace.hpp"
#include "traces/libvirt_trace_analysis.hpp"

MIGSIM_FUZZ_TARGET(text) {
  const migsim::traces::LibvirtTrace trace = migsim::traces::parse_libvirt_trace(text, "fuzz.jsonl");
  migsim::traces::recorded_migrations(trace, "fuzz.jsonl");
  migsim::traces::utilization_series(trace, "fuzz.jsonl");
}
