#include "apps/cli_support.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <thread>

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

std::uint64_t parse_seed(const std::string& flag, const std::string& text) {
  const double v = parse_non_negative(flag, text);
  if (v != std::floor(v) || v >= 18446744073709551616.0) {
    throw InputError(flag + ": expected a non-negative integer, got '" + text + "'");
  }
  return static_cast<std::uint64_t>(v);
}

unsigned worker_threads(const std::string& flag, const std::string& text, std::size_t tasks) {
  unsigned jobs = static_cast<unsigned>(parse_non_negative(flag, text));
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  return std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(1, tasks)));
}

double parse_percent(const std::string& flag, const std::string& text) {
  const double v = parse_number(flag, text);
  if (v < 0 || v > 100) throw InputError(flag + ": must be within 0..100, got '" + text + "'");
  return v;
}

void print_json(const std::string& dumped) { std::cout << dumped << '\n'; }

std::vector<std::unique_ptr<models::MigrationModel>> models_for_flag(const std::string& flag,
                                                                    const std::string& which) {
  std::vector<std::unique_ptr<models::MigrationModel>> out;
  if (which == "all") {
    for (const char* n : {"qemu-precopy", "geometric", "cloudsim"}) {
      out.push_back(models::make_migration_model(n));
    }
    return out;
  }
  auto m = models::make_migration_model(which);
  if (!m) {
    throw InputError(flag + ": unknown model '" + which +
                     "' (expected qemu-precopy, geometric, cloudsim or all)");
  }
  out.push_back(std::move(m));
  return out;
}

}  // namespace migsim::cli
