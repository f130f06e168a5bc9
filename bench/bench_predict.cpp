// Predictions per second on one core for a 4 GiB VM (goal >= 1e5/s).
// Prints one JSON object; a ratio to the goal, not a pass/fail on timing.
#include <chrono>
#include <cstdio>

#include "models/qemu_precopy_model.hpp"

using namespace migsim::models;

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const QemuPrecopyModel model;
  struct Case { const char* name; double nonzero, wss, rate; bool ac; };
  const Case cases[] = {
      {"4GiB idle", 1024, 0, 0, false},
      {"4GiB web 256MiB@5k", 2048, 256, 5000, false},
      {"4GiB db 1GiB@20k", 3072, 1024, 20000, false},
      {"4GiB hot 1GiB@60k ac", 3072, 1024, 60000, true},
  };
  std::printf("{\"benchmark\": \"predict\", \"goal_per_sec\": 100000, \"cases\": [\n");
  bool first = true;
  for (const Case& c : cases) {
    MigrationScenario sc;
    sc.memory = {4096, c.nonzero};
    sc.workload.wss_mib = c.wss;
    sc.workload.pages_per_sec = c.rate;
    sc.qemu.auto_converge = c.ac;
    sc.options.record_iterations = false;
    sc.options.horizon_s = 600;
    long n = 0;
    double sink = 0;
    const auto t0 = std::chrono::steady_clock::now();
    double el = 0;
    do {
      for (int i = 0; i < 256; ++i) {
        sc.workload.pages_per_sec = c.rate + (n & 7);  // defeat any caching
        sink += model.predict(sc).total_time_ms;
        ++n;
      }
      el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    } while (el < seconds);
    const Prediction p = model.predict(sc);
    std::printf("%s  {\"case\": \"%s\", \"predictions_per_sec\": %.0f, \"ratio_to_goal\": %.2f, "
                "\"converged\": %s, \"dirty_syncs\": %d, \"sink\": %.0f}",
                first ? "" : ",\n", c.name, n / el, n / el / 1e5, p.converged ? "true" : "false",
                p.dirty_syncs, sink / n);
    first = false;
  }
  std::printf("\n]}\n");
  return 0;
}
