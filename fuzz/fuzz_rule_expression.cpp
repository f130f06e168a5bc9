// A rule policy's condition ("cpu > 0.8 and ram > 0.5 or ...").
#include "fuzz/fuzz_input.hpp"
#include "policies/rule_policy.hpp"

MIGSIM_FUZZ_TARGET(text) { migsim::policies::HostCondition::parse(text, "fuzz.json: rules[0].when"); }
