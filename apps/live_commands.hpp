#pragma once
#include <array>
#include <string_view>

// The subcommands that talk to libvirt. They are built into a second executable,
// migsim-live (apps/CMakeLists.txt), so that `migsim` itself does not load libvirt
// (and the ~50 shared libraries it brings) for every predict: `migsim capture ...`
// execs the migsim-live beside it (apps/main.cpp). `migsim --help` lists them from here,
// and their cmd_<name>.cpp take their --help order and one-line description from here.
namespace migsim::cli {

struct LiveCommand {
  int order;  // as CommandEntry::order
  const char* name;
  const char* description;
};

inline constexpr std::array<LiveCommand, 3> kLiveCommands{{
    {60, "live-migrate",
     "Live-migrate a libvirt domain between two hosts; follow the job and report it."},
    {70, "capture",
     "Record a libvirt trace (domain stats, dirty rates, migration jobs) as JSON lines."},
    {72, "control",
     "Live policy controller: run a consolidation policy on libvirt hosts' live stats "
     "and live-migrate what it decides."},
}};

// The entry named `name`, at compile time (a name not in kLiveCommands does not compile).
consteval const LiveCommand& live_command(std::string_view name) {
  for (const auto& c : kLiveCommands) {
    if (name == c.name) return c;
  }
  throw "not a libvirt command";
}

// The executable that holds them, looked for in the directory of the running migsim.
inline constexpr const char* kLiveExecutable = "migsim-live";

}  // namespace migsim::cli
