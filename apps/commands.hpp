#pragma once
#include <functional>
#include <vector>

#include "apps/cli_support.hpp"

// Each subcommand lives in its own apps/cmd_<name>.cpp and registers itself:
//   static const migsim::cli::CommandRegistrar reg(20, "predict", add_predict_command);
// `order` sorts the commands in --help. apps/CMakeLists.txt compiles every cmd_*.cpp
// straight into its executable, so the registrars are never dropped by the linker: the
// libvirt commands (apps/live_commands.hpp) into migsim-live, the others into migsim.
namespace migsim::cli {

using AddCommand = void (*)(CLI::App& app, Action& action);

struct CommandEntry {
  int order;
  const char* name;
  std::function<void(CLI::App& app, Action& action)> add;
};

std::vector<CommandEntry>& command_registry();

// The whole command line of one executable: the registered commands, parsed and run;
// every error one line on stderr (exit 2 bad input, 1 failure). apps/cli_main.cpp.
int run_cli(int argc, char** argv);

struct CommandRegistrar {
  CommandRegistrar(int order, const char* name, AddCommand add) {
    command_registry().push_back({order, name, add});
  }
};

}  // namespace migsim::cli
