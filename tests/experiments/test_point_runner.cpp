// The one parallel point runner: point order whatever the job count, and a
// throwing point is that point's failure while the others still run.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "experiments/point_runner.hpp"
#include "sim/input_error.hpp"

using namespace migsim;
using namespace migsim::experiments;

namespace {
// A result that depends on the point alone (and takes a little, uneven time).
std::string work(std::size_t i) {
  std::string s;
  for (std::size_t k = 0; k < (i % 7) * 2000; ++k) s = std::to_string(k % (i + 3));
  return "point " + std::to_string(i) + "/" + s;
}
}  // namespace

TEST(PointRunner, ResultsAreInPointOrderWhateverTheJobCount) {
  const std::size_t n = 40;
  std::vector<std::string> serial(n);
  ASSERT_TRUE(run_points(n, 1, [&](std::size_t i) { serial[i] = work(i); }).empty());
  for (unsigned jobs : {2u, 3u, 8u, 64u}) {
    std::vector<std::string> parallel(n);
    std::atomic<std::size_t> done{0};
    const auto failures =
        run_points(n, jobs, [&](std::size_t i) { parallel[i] = work(i); }, [&](std::size_t) { ++done; });
    EXPECT_TRUE(failures.empty()) << jobs;
    EXPECT_EQ(parallel, serial) << jobs;
    EXPECT_EQ(done.load(), n) << jobs;
  }
}

TEST(PointRunner, AThrowingPointIsReportedWithItsIndexAndTheOthersFinish) {
  const std::size_t n = 12;
  for (unsigned jobs : {1u, 4u}) {
    std::vector<int> ran(n, 0);
    std::vector<std::size_t> done;
    std::mutex m;
    const auto failures = run_points(
        n, jobs,
        [&](std::size_t i) {
          ran[i] = 1;
          if (i == 3) throw InputError("bad bandwidth -5");
          if (i == 7) throw std::runtime_error("engine broke");
          if (i == 9) throw 42;  // not even a std::exception
        },
        [&](std::size_t i) {
          const std::lock_guard<std::mutex> lock(m);
          done.push_back(i);
        });
    EXPECT_EQ(ran, std::vector<int>(n, 1)) << jobs;
    ASSERT_EQ(failures.size(), 3u) << jobs;
    EXPECT_EQ(failures[0].point, 3u);
    EXPECT_EQ(failures[0].what, "bad bandwidth -5");
    EXPECT_EQ(failures[1].point, 7u);
    EXPECT_EQ(failures[1].what, "engine broke");
    EXPECT_EQ(failures[2].point, 9u);
    EXPECT_EQ(failures[2].what, "unknown exception");
    EXPECT_EQ(done.size(), n - 3) << jobs;
    for (std::size_t i : done) EXPECT_TRUE(i != 3 && i != 7 && i != 9) << i;

    auto label = [](std::size_t i) { return "sweep point " + std::to_string(i); };
    try {
      rethrow_first_failure(failures, label);
      FAIL() << "nothing thrown";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), "sweep point 3: bad bandwidth -5 (and 2 more points failed)");
    }
    try {
      rethrow_first_failure({failures[1]}, label);
      FAIL() << "nothing thrown";
    } catch (const InputError&) {
      FAIL() << "a runtime_error became an InputError";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "sweep point 7: engine broke");
    }
  }
  EXPECT_NO_THROW(rethrow_first_failure({}, [](std::size_t) { return std::string("x"); }));
}

TEST(PointRunner, NoPointsAndMoreJobsThanPoints) {
  EXPECT_TRUE(run_points(0, 4, [](std::size_t) { throw std::runtime_error("never"); }).empty());
  std::vector<int> ran(2, 0);
  EXPECT_TRUE(run_points(2, 0, [&](std::size_t i) { ++ran[i]; }).empty());  // 0 jobs: still one thread
  EXPECT_EQ(ran, std::vector<int>({1, 1}));
}
