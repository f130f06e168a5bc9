#pragma once
#include <cstddef>
#include <exception>
#include <functional>
#include <string>
#include <vector>

namespace migsim::experiments {

// A point whose work threw: its index and what it threw.
struct PointFailure {
  std::size_t point = 0;
  std::exception_ptr error;
  std::string what;  // the exception's what() ("unknown exception" for a non-std one)
};

// The one parallel runner of sweep points (migsim sweep, migsim run --sweep).
// Runs run_point(i) once for every i < count on `jobs` worker threads (at least
// 1, at most count). run_point must only write point i's own result, so the
// results are the same, in point order, whatever `jobs` is. An exception thrown
// by a point is caught and becomes that point's failure; the other points still
// run. on_done(i), when given, is called (from any thread) after each point that
// succeeded (an exception from it fails the point). Returns the failures in point order (empty: every point ran).
std::vector<PointFailure> run_points(std::size_t count, unsigned jobs,
                                     const std::function<void(std::size_t)>& run_point,
                                     const std::function<void(std::size_t)>& on_done = {});

// Throws the first failure again, its message prefixed with `label(point)`
// ("sweep point 3 {...}: ..."), as InputError or EnvironmentError when it was
// one, else as std::runtime_error; mentions how many other points failed. No-op when empty.
void rethrow_first_failure(const std::vector<PointFailure>& failures,
                           const std::function<std::string(std::size_t)>& label);

}  // namespace migsim::experiments
