// Predictions per second END TO END (goal >= 1e5/s): whole `migsim predict --batch`
// and `migsim sweep` processes, as a user runs them, output written to a file.
// Inputs, generated here with a fixed seed: a batch of N cases (default 20,000:
// RAM 0.5-16 GiB, 10-100 % non-zero, WSS up to half the RAM, 0-80,000 pages/s,
// the three patterns, max-bandwidth 32 MiB/s to unlimited, downtime limits
// 30-1000 ms, one in five with auto-converge) and a sweep of 80,640 points
// (3 RAM x 4 WSS x 40 rates x 7 bandwidths x 4 limits x 3 patterns x 2 auto-converge).
// For every output mode and --jobs 1 / 2: best-of-R wall seconds, CPU seconds
// (user+sys of the process), predictions/s and the ratio to the goal. One JSON
// object on stdout; a report, not a pass/fail on timing.
//   bench_predict_batch [REPEATS] [CASES] [MIGSIM]
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

struct Timing {
  double wall = 1e300, cpu = 1e300;
  int status = 0;
};

// Runs argv with stdout to `out` (stderr dropped); wall and CPU of the child.
Timing run(const std::vector<std::string>& argv, const std::string& out) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = open("/dev/null", O_WRONLY);
    if (fd < 0 || null < 0) _exit(127);
    dup2(fd, 1);
    dup2(null, 2);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  Timing t;
  t.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  t.cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
          static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  t.status = status;
  return t;
}

void write_batch(const std::string& path, int n) {
  std::mt19937_64 rng(7);
  auto pick = [&](std::initializer_list<double> v) { return *(v.begin() + rng() % v.size()); };
  auto uni = [&](double a, double b) { return a + (b - a) * static_cast<double>(rng() % 1000000) / 1e6; };
  const char* patterns[] = {"sequential", "uniform", "hotcold"};
  std::ofstream f(path);
  f << "{\"cases\": [\n";
  for (int i = 0; i < n; ++i) {
    const double ram = pick({512, 1024, 2048, 4096, 8192, 16384});
    const double nz = std::round(ram * uni(0.1, 1.0));
    const double wss = std::max(1.0, std::round(std::min(nz, ram * uni(0.01, 0.5))));
    const double rate = pick({0, 100, 1000, 5000, 20000, 60000, std::round(uni(0, 80000))});
    const double bw = pick({32, 128, 400, 1000, 0});
    f << (i ? ",\n" : "") << "  {\"name\": \"vm-" << i << "\", \"ram_mib\": " << ram
      << ", \"nonzero_mib\": " << nz << ", \"wss_mib\": " << wss << ", \"dirty_pages_per_sec\": " << rate
      << ", \"dirty_pattern\": \"" << patterns[rng() % 3] << "\", \"max_bandwidth_mibps\": ";
    if (bw > 0) {
      f << bw;
    } else {
      f << "\"unlimited\"";
    }
    f << ", \"downtime_limit_ms\": " << pick({30, 100, 300, 1000});
    if (rng() % 5 == 0) f << ", \"auto_converge\": true";
    if (rng() % 10 == 0) f << ", \"note\": \"note " << i << "\"";
    f << "}";
  }
  f << "\n]}\n";
}

void write_sweep(const std::string& path) {
  std::ofstream f(path);
  f << "{\"name\": \"bench\", \"ram_mib\": [1024, 4096, 8192], \"nonzero_mib\": 1000,\n"
       " \"wss_mib\": [64, 256, 512, 900], \"dirty_pages_per_sec\": [";
  for (int r = 0; r < 80000; r += 2000) f << (r ? ", " : "") << r;
  f << "],\n \"max_bandwidth_mibps\": [32, 64, 128, 256, 400, 1000, \"unlimited\"],\n"
       " \"downtime_limit_ms\": [30, 100, 300, 1000], \"dirty_pattern\": [\"sequential\", \"uniform\", "
       "\"hotcold\"],\n \"auto_converge\": [false, true], \"horizon_s\": 300}\n";
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const int n_cases = argc > 2 ? std::max(1, std::atoi(argv[2])) : 20000;
#ifdef MIGSIM_BINARY
  std::string migsim = argc > 3 ? argv[3] : MIGSIM_BINARY;
#else
  if (argc <= 3) {
    std::fprintf(stderr, "usage: bench_predict_batch [REPEATS] [CASES] MIGSIM\n");
    return 2;
  }
  std::string migsim = argv[3];
#endif
  const auto dir = std::filesystem::temp_directory_path() /
                   ("migsim-bench-predict-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string batch = (dir / "batch.json").string(), sweep = (dir / "sweep.json").string(),
                    out = (dir / "out").string();
  write_batch(batch, n_cases);
  write_sweep(sweep);
  const double sweep_points = 3.0 * 4 * 40 * 7 * 4 * 3 * 2;

  struct Mode {
    const char* name;
    std::vector<std::string> args;
    double predictions;
  };
  const std::vector<Mode> modes = {
      {"predict --batch (table)", {"predict", "--batch", batch}, double(n_cases)},
      {"predict --batch --json --no-detail", {"predict", "--batch", batch, "--json", "--no-detail"}, double(n_cases)},
      {"predict --batch --json (per-round detail)", {"predict", "--batch", batch, "--json"}, double(n_cases)},
      {"predict --batch --model all (table)", {"predict", "--batch", batch, "--model", "all"}, 3.0 * n_cases},
      {"sweep (table)", {"sweep", sweep, "--quiet"}, sweep_points},
      {"sweep --json", {"sweep", sweep, "--json", "--quiet"}, sweep_points},
      {"sweep --out", {"sweep", sweep, "--quiet", "--out", out + ".jsonl"}, sweep_points},
  };
  std::printf("{\"benchmark\": \"predict_batch\", \"goal_per_sec\": 100000, \"cases\": %d, "
              "\"sweep_points\": %.0f, \"repeats\": %d, \"cores\": %ld, \"runs\": [\n",
              n_cases, sweep_points, repeats, sysconf(_SC_NPROCESSORS_ONLN));
  bool first = true;
  int failures = 0;
  for (const auto& m : modes) {
    for (const char* jobs : {"1", "2"}) {
      std::vector<std::string> cmd{migsim};
      cmd.insert(cmd.end(), m.args.begin(), m.args.end());
      cmd.push_back("--jobs");
      cmd.push_back(jobs);
      Timing best;
      long long bytes = 0;
      for (int r = 0; r < repeats; ++r) {
        const Timing t = run(cmd, out);
        if (t.status != 0) ++failures;
        best.wall = std::min(best.wall, t.wall);
        best.cpu = std::min(best.cpu, t.cpu);
      }
      std::error_code ec;
      const std::string written = m.args.back().find(".jsonl") != std::string::npos ? out + ".jsonl" : out;
      bytes = static_cast<long long>(std::filesystem::file_size(written, ec));
      std::printf("%s  {\"mode\": \"%s\", \"jobs\": %s, \"wall_s\": %.3f, \"cpu_s\": %.3f, "
                  "\"predictions\": %.0f, \"predictions_per_sec\": %.0f, \"ratio_to_goal\": %.2f, "
                  "\"cpu_us_per_prediction\": %.2f, \"output_bytes\": %lld}",
                  first ? "" : ",\n", m.name, jobs, best.wall, best.cpu, m.predictions,
                  m.predictions / best.wall, m.predictions / best.wall / 1e5,
                  best.cpu / m.predictions * 1e6, bytes);
      std::fflush(stdout);
      first = false;
    }
  }
  std::printf("\n], \"failed_runs\": %d}\n", failures);
  std::filesystem::remove_all(dir);
  return failures ? 1 : 0;
}
