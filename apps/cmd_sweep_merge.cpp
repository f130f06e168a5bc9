// `migsim sweep-merge`: the parts of a sharded cluster sweep (`migsim run --sweep ... --shard
// I/N --out PART`) into one file: the bytes of the same sweep run in one piece.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "apps/commands.hpp"
#include "experiments/sweep_shards.hpp"
#include "traces/atomic_file.hpp"

namespace migsim::cli {

namespace {

struct SweepMergeOptions {
  std::vector<std::string> parts;
  std::string out;
};

int run_sweep_merge(const SweepMergeOptions& o) {
  const std::string text = experiments::merge_sweep_parts(o.parts);
  if (o.out.empty()) {
    std::cout << text;
    return 0;
  }
  traces::write_file_atomically(o.out, text);
  std::size_t lines = 0;
  for (const char c : text) lines += c == '\n';
  std::cout << "merged " << o.parts.size() << " parts: " << lines << " points written to " << o.out << "\n";
  return 0;
}

}  // namespace

void add_sweep_merge_command(CLI::App& app, Action& action);
static const CommandRegistrar kRegisterSweepMerge(31, "sweep-merge", add_sweep_merge_command);

void add_sweep_merge_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<SweepMergeOptions>();
  CLI::App* sub = app.add_subcommand("sweep-merge", "Merge the parts of a sharded cluster sweep (run --sweep --shard).");
  sub->footer(
      "Checks that the parts come from one sweep (same scenario, axes and flags) and that every\n"
      "point is there exactly once, then writes the lines in point order without their shard\n"
      "identity: the bytes 'migsim run --sweep AXES --out' writes when the sweep runs in one piece.\n\n"
      "Example (scripts/slurm-sweep submits this as a job array and a dependent merge job):\n"
      "  for i in 0 1 2 3; do migsim run S.json --sweep AXES.json --shard $i/4 --out part-$i.jsonl; done\n"
      "  migsim sweep-merge part-*.jsonl --out sweep.jsonl\n");
  sub->add_option("parts", o->parts, "The shards' --out files")->required();
  sub->add_option("--out", o->out, "Write the merged lines here atomically (default: standard output)");
  sub->callback([o, &action] { action = [o] { return run_sweep_merge(*o); }; });
}

}  // namespace migsim::cli
