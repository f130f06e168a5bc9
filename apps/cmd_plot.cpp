// `migsim plot DIR`: the figures of a run folder (`migsim run ... --out-dir DIR`),
// drawn by migsim_plot.py (matplotlib, Debian's python3-matplotlib) beside this executable.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "apps/commands.hpp"
#include "sim/input_error.hpp"

namespace migsim::cli {

namespace {

struct PlotOptions {
  std::string dir, out, title;
};

// The Python that runs the script: $MIGSIM_PYTHON, else Debian's /usr/bin/python3.
std::string python() {
  const char* p = std::getenv("MIGSIM_PYTHON");
  return p && *p ? p : "/usr/bin/python3";
}

int run_plot(const PlotOptions& o) {
  if (!std::filesystem::is_directory(o.dir)) throw InputError(o.dir + ": not a folder (write one with 'migsim run ... --out-dir')");
  const std::string script = executable_dir() + "migsim_plot.py";
  if (!std::filesystem::exists(script)) throw EnvironmentError(script + ": missing (build migsim with scripts/build)");
  std::vector<std::string> args{python(), script, o.dir};
  if (!o.out.empty()) args.insert(args.end(), {"--out", o.out});
  if (!o.title.empty()) args.insert(args.end(), {"--title", o.title});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  throw EnvironmentError(args[0] + ": cannot run (" + std::strerror(errno) + "); set MIGSIM_PYTHON");
}

}  // namespace

void add_plot_command(CLI::App& app, Action& action);
static const CommandRegistrar kRegisterPlot(35, "plot", add_plot_command);

void add_plot_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<PlotOptions>();
  CLI::App* sub = app.add_subcommand("plot", "Draw a run folder (migsim run --out-dir DIR) as a PNG.");
  sub->footer(
      "Three panels over simulated hours: power and active hosts; each migration at its start\n"
      "with its duration (colour: the rule or detector that ordered it) and the migrations in\n"
      "flight; the SLA metrics so far (SLATAH, PDM). Needs matplotlib (python3-matplotlib);\n"
      "MIGSIM_PYTHON names another interpreter than /usr/bin/python3.\n\n"
      "Example:\n"
      "  migsim run scenarios/default-cluster.json --out-dir out/default && migsim plot out/default\n");
  sub->add_option("dir", o->dir, "Run folder (cluster.csv, migrations.csv, summary.json)")->required();
  sub->add_option("--out", o->out, "PNG to write (default DIR/run.png)");
  sub->add_option("--title", o->title, "Title of the figure (default: scenario, policy, energy)");
  sub->callback([o, &action] { action = [o] { return run_plot(*o); }; });
}

}  // namespace migsim::cli
