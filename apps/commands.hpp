#pragma once
#include "apps/cli_support.hpp"

// One function per subcommand, each in its own apps/cmd_<name>.cpp.
namespace migsim::cli {
void add_predict_command(CLI::App& app, Action& action);
}  // namespace migsim::cli
