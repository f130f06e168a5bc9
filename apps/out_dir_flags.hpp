#pragma once
#include <string>

#include <CLI/CLI.hpp>

#include "traces/record_writer.hpp"

namespace migsim::cli {

// --out-dir DIR and --format csv|jsonl of the commands that write their outputs
// into a folder (experiments/run_outputs.hpp): run, replay, batch.
struct OutDirFlags {
  std::string dir, format;
};
// `files`: what the command writes there, for the help text.
void add_out_dir_flags(CLI::App* cmd, OutDirFlags& flags, const std::string& files);
// The --format given (csv by default); InputError for a bad one, or --format without --out-dir.
traces::RecordFormat out_dir_format(const OutDirFlags& flags);

}  // namespace migsim::cli
