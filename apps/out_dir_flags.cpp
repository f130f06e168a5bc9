#include "apps/out_dir_flags.hpp"

#include "sim/input_error.hpp"

namespace migsim::cli {

void add_out_dir_flags(CLI::App* cmd, OutDirFlags& flags, const std::string& files) {
  cmd->add_option("--out-dir", flags.dir,
                  "Write what happened into DIR (created if missing), each file atomically: " + files);
  cmd->add_option("--format", flags.format, "With --out-dir: csv (default) or jsonl (the tables as JSON lines)");
}

traces::RecordFormat out_dir_format(const OutDirFlags& flags) {
  if (!flags.format.empty() && flags.dir.empty()) throw InputError("--format: only with --out-dir");
  return flags.format.empty() ? traces::RecordFormat::Csv : traces::parse_record_format("--format", flags.format);
}

}  // namespace migsim::cli
