// migsim: discrete-event simulation of virtual clusters and QEMU live migration.
// The commands that talk to libvirt (apps/live_commands.hpp) are in migsim-live, so
// this executable does not load libvirt: `migsim capture ...` execs the migsim-live
// that sits beside it, with the same arguments.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#include "apps/commands.hpp"
#include "apps/live_commands.hpp"

namespace {

using migsim::cli::Action;
using migsim::cli::LiveCommand;

char** g_argv = nullptr;

const LiveCommand* find_live_command(std::string_view name) {
  for (const auto& c : migsim::cli::kLiveCommands) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

// migsim-live in the directory of this executable (they are built, and installed, together).
std::string live_executable(const char* argv0) {
  return migsim::cli::executable_dir(argv0) + migsim::cli::kLiveExecutable;
}

// Replaces this process by migsim-live; returns only if that fails (exit 2, one line).
int exec_live(const LiveCommand& c, char** argv) {
  const std::string path = live_executable(argv[0]);
  ::execv(path.c_str(), argv);
  const int err = errno;
  std::cerr << "migsim " << c.name << ": error: the libvirt commands are in " << path
            << ", which cannot be run (" << std::strerror(err)
            << "); build or install migsim-live beside migsim\n";
  return 2;
}

// `migsim --help` lists the libvirt commands with the others; running one execs migsim-live
// (main() does so before parsing; this covers a command line that reaches it otherwise).
void add_live_stub(CLI::App& app, Action& action, const LiveCommand& c) {
  CLI::App* sub = app.add_subcommand(c.name, c.description);
  sub->allow_extras();
  sub->prefix_command();
  sub->set_help_flag();
  sub->callback([&c, &action] { action = [&c] { return exec_live(c, g_argv); }; });
}

}  // namespace

int main(int argc, char** argv) {
  g_argv = argv;
  if (argc > 1) {
    if (const LiveCommand* c = find_live_command(argv[1])) return exec_live(*c, argv);
  }
  for (const auto& c : migsim::cli::kLiveCommands) {
    migsim::cli::command_registry().push_back(
        {c.order, c.name, [&c](CLI::App& app, Action& action) { add_live_stub(app, action, c); }});
  }
  return migsim::cli::run_cli(argc, argv);
}
