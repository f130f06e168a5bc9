#include "apps/cli_support.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>

#include "models/model_registry.hpp"
#include "models/model_selection.hpp"
#include "sim/input_error.hpp"

namespace migsim::cli {

double parse_number(const std::string& flag, const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(begin, &end);
  if (text.empty() || end == begin || *end != '\0' || errno == ERANGE || !std::isfinite(v)) {
    throw InputError(flag + ": expected a number, got '" + text + "'");
  }
  return v;
}

double parse_positive(const std::string& flag, const std::string& text) {
  const double v = parse_number(flag, text);
  if (!(v > 0)) throw InputError(flag + ": must be > 0, got '" + text + "'");
  return v;
}

double parse_non_negative(const std::string& flag, const std::string& text) {
  const double v = parse_number(flag, text);
  if (v < 0) throw InputError(flag + ": must be >= 0, got '" + text + "'");
  return v;
}

double parse_bounded(const std::string& flag, const std::string& text, const Bound& b) {
  return check_bound(flag, parse_number(flag, text), b, "'" + text + "'");
}

std::uint64_t parse_seed(const std::string& flag, const std::string& text) {
  const double v = parse_bounded(flag, text, bounds::kSeed);
  if (v != std::floor(v)) {
    throw InputError(flag + ": expected a non-negative integer, got '" + text + "'");
  }
  return static_cast<std::uint64_t>(v);
}

unsigned worker_threads(const std::string& flag, const std::string& text, std::size_t tasks) {
  const double v = parse_bounded(flag, text, bounds::kJobs);
  if (v != std::floor(v)) throw InputError(flag + ": expected a whole number, got '" + text + "'");
  unsigned jobs = static_cast<unsigned>(v);
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  return std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(1, tasks)));
}

double parse_percent(const std::string& flag, const std::string& text) {
  const double v = parse_number(flag, text);
  if (v < 0 || v > 100) throw InputError(flag + ": must be within 0..100, got '" + text + "'");
  return v;
}

std::string executable_dir(const char* argv0) {
  std::string self;
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf);
  if (n > 0 && static_cast<std::size_t>(n) < sizeof buf) {
    self.assign(buf, static_cast<std::size_t>(n));
  } else if (argv0 && std::strchr(argv0, '/')) {
    self = argv0;
  }
  const auto slash = self.rfind('/');
  return slash == std::string::npos ? std::string("./") : self.substr(0, slash + 1);
}

void print_json(const std::string& dumped) { std::cout << dumped << '\n'; }

std::function<void(std::string_view)> stdout_sink() {
  std::cout.flush();  // what went through std::cout first stays first
  return [](std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); };
}

std::vector<std::unique_ptr<models::MigrationModel>> models_for_flag(const std::string& flag,
                                                                    const std::string& which) {
  return models::models_named(flag, which);
}

std::vector<std::string> model_flag_choices() { return models::model_choices(); }

std::string model_flag_help() {
  std::string out;
  for (const auto& n : models::predictor_names()) {
    out += n + (n == models::kDefaultModel ? " (default)" : "") + ", ";
  }
  return out + "or all";
}

}  // namespace migsim::cli
