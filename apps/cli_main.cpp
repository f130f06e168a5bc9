// The command line shared by migsim and migsim-live: parse, run, report errors.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "apps/commands.hpp"
#include "sim/input_error.hpp"

namespace migsim::cli {

std::vector<CommandEntry>& command_registry() {
  static std::vector<CommandEntry> registry;
  return registry;
}

namespace {
// Every error is one line on stderr (scripts grep it): text that carries a
// process log or a console excerpt has its line breaks folded into " | ".
std::string one_line(const char* what) {
  std::string s(what);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  std::string out;
  for (char c : s) {
    if (c == '\r') continue;
    if (c == '\n') {
      out += " | ";
    } else {
      out += c;
    }
  }
  return out;
}

// Standard output written and closed without error, or one line and exit 1
// (`migsim predict --json > /dev/full` must not exit 0).
int check_stdout(int code) {
  errno = 0;
  std::cout.flush();
  int err = !std::cout ? errno : 0;
  if (std::fflush(stdout) != 0 && err == 0) err = errno;
  bool bad = !std::cout || std::ferror(stdout) != 0;
  if (std::fclose(stdout) != 0) {
    bad = true;
    if (err == 0) err = errno;
  }
  if (!bad) return code;
  std::cerr << "migsim: failed: cannot write to standard output: "
            << (err != 0 ? std::strerror(err) : "write error") << "\n";
  return code == 0 ? 1 : code;
}

int parse_and_run(int argc, char** argv) {
  CLI::App app{
      "migsim: predict QEMU pre-copy live migrations and simulate virtual clusters.\n"
      "Run 'migsim <command> --help' for a command's options and examples."};
  app.name("migsim");
  app.require_subcommand(1);
  app.set_version_flag("--version", "migsim 0.1.0");
  app.get_formatter()->column_width(36);

  Action action;
  auto commands = command_registry();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const auto& a, const auto& b) { return a.order < b.order; });
  for (const auto& c : commands) c.add(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string where = "migsim";
    for (const auto* sub : app.get_subcommands()) where += " " + sub->get_name();
    std::cerr << where << ": error: " << one_line(e.what()) << " (see '" << where << " --help')\n";
    return 2;
  } catch (const InputError& e) {  // raised by option callbacks
    std::cerr << "migsim: error: " << one_line(e.what()) << "\n";
    return 2;
  }
  if (!action) return 0;
  try {
    return action();
  } catch (const InputError& e) {
    std::cerr << "migsim: error: " << one_line(e.what()) << "\n";
    return 2;
  } catch (const EnvironmentError& e) {
    std::cerr << "migsim: failed: " << one_line(e.what()) << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "migsim: internal error: " << one_line(e.what()) << "\n";
    return 1;
  }
}

}  // namespace

int run_cli(int argc, char** argv) { return check_stdout(parse_and_run(argc, argv)); }

}  // namespace migsim::cli
