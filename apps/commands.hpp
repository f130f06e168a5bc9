#pragma once
#include <vector>

#include "apps/cli_support.hpp"

// Each subcommand lives in its own apps/cmd_<name>.cpp and registers itself:
//   static const migsim::cli::CommandRegistrar reg(20, "predict", add_predict_command);
// `order` sorts the commands in --help. apps/CMakeLists.txt compiles every cmd_*.cpp
// straight into the executable, so the registrars are never dropped by the linker.
namespace migsim::cli {

using AddCommand = void (*)(CLI::App& app, Action& action);

struct CommandEntry {
  int order;
  const char* name;
  AddCommand add;
};

std::vector<CommandEntry>& command_registry();

struct CommandRegistrar {
  CommandRegistrar(int order, const char* name, AddCommand add) {
    command_registry().push_back({order, name, add});
  }
};

}  // namespace migsim::cli
