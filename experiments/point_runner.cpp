#include "experiments/point_runner.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "sim/exception_text.hpp"
#include "sim/input_error.hpp"

namespace migsim::experiments {

std::vector<PointFailure> run_points(std::size_t count, unsigned jobs,
                                     const std::function<void(std::size_t)>& run_point,
                                     const std::function<void(std::size_t)>& on_done) {
  std::atomic<std::size_t> next{0};
  std::vector<PointFailure> failures;
  std::mutex failures_mutex;
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < count;) {
      try {
        run_point(i);
        if (on_done) on_done(i);
      } catch (...) {
        PointFailure f{i, std::current_exception(), sim::exception_text(std::current_exception())};
        const std::lock_guard<std::mutex> lock(failures_mutex);
        failures.push_back(std::move(f));
      }
    }
  };
  const std::size_t threads = std::clamp<std::size_t>(jobs, 1, std::max<std::size_t>(count, 1));
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  std::sort(failures.begin(), failures.end(),
            [](const PointFailure& a, const PointFailure& b) { return a.point < b.point; });
  return failures;
}

void rethrow_first_failure(const std::vector<PointFailure>& failures,
                           const std::function<std::string(std::size_t)>& label) {
  if (failures.empty()) return;
  const PointFailure& first = failures.front();
  std::string message = label(first.point) + ": " + first.what;
  if (failures.size() > 1) {
    message += " (and " + std::to_string(failures.size() - 1) + " more point" + (failures.size() > 2 ? "s" : "") +
               " failed)";
  }
  try {
    std::rethrow_exception(first.error);
  } catch (const InputError&) {
    throw InputError(message);
  } catch (const EnvironmentError&) {
    throw EnvironmentError(message);
  } catch (...) {
    throw std::runtime_error(message);
  }
}

}  // namespace migsim::experiments
