#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "models/migration_model.hpp"
#include "sim/input_bounds.hpp"

namespace migsim::cli {

// Every subcommand registers itself with add_*_command(app, action): CLI11 binds
// the options, and the subcommand's callback stores the work to run in `action`.
using Action = std::function<int()>;

// Strict number parsing for flags: the whole text must be a finite number.
// Errors name the flag and the value: "--ram-mib: expected a number, got 'abc'".
double parse_number(const std::string& flag, const std::string& text);
double parse_positive(const std::string& flag, const std::string& text);
double parse_non_negative(const std::string& flag, const std::string& text);
// A number within one of the ranges of sim/input_bounds.hpp:
// "--horizon-s: must be > 0 and <= 604800 s, got '1e308'".
double parse_bounded(const std::string& flag, const std::string& text, const Bound& b);
// A seed of random choices: a whole number >= 0.
std::uint64_t parse_seed(const std::string& flag, const std::string& text);
// A percentage in [0, 100].
double parse_percent(const std::string& flag, const std::string& text);
// Worker threads for a --jobs flag: 0 means all cores; never more than `tasks` (nor < 1).
unsigned worker_threads(const std::string& flag, const std::string& text, std::size_t tasks);

// The models a --model flag names: a Predictor of models/model_registry.hpp, or
// all (every Predictor). An unknown name raises InputError naming the flag and the value.
std::vector<std::unique_ptr<models::MigrationModel>> models_for_flag(const std::string& flag,
                                                                    const std::string& which);
// What --model accepts (the Predictors, then "all"), and its help text:
// "qemu-precopy (default), geometric, cloudsim, or all".
std::vector<std::string> model_flag_choices();
std::string model_flag_help();

// The directory of the running executable, with a trailing '/' (from /proc/self/exe,
// else from argv0 when it has a '/', else "./"): where migsim-live and migsim_plot.py are.
std::string executable_dir(const char* argv0 = nullptr);

// Prints JSON (one object, 2-space indent) to stdout.
void print_json(const std::string& dumped);
// Writes its pieces to stdout as they come (for output streamed by a library).
std::function<void(std::string_view)> stdout_sink();

}  // namespace migsim::cli
