// How the cluster simulation's cost grows with the cluster (issue 10, "Scale"):
// synthetic workloads at the PlanetLab ratio (800 hosts : 1052 VMs, hosts
// alternating HP ML110 G4/G5, the four VM types of scenarios/default-cluster.json),
// for each size and duration, in three configurations:
//  - rules:   scenarios/default-cluster.json as is (rule 'cpu > 0.8' with
//             admission control, QEMU pre-copy, migsim semantics);
//  - rules-admitted: the same with "planning": "admitted" (the policy plans
//             only what admission control can start);
//  - thr-mmt: scenarios/cloudsim-planetlab.json (CloudSim semantics) with the
//             synthetic workload instead of a PlanetLab day.
// Each run is a child process (fork), so its peak RSS is its own. Prints one
// JSON line per run: hosts, vms, days, cpu_s (clock(): scenario, traces and
// simulation), setup_cpu_s (the part before the engine runs), wall_s,
// us_per_vm_step (cpu_s per VM per scheduling interval), events_per_s
// (ClusterEngine::events_processed() per CPU second of the simulation),
// migrations, peak_rss_mib and bytes_per_vm ((peak RSS - RSS at the child's
// start) / VMs, fixed costs included: large at small sizes); then per
// configuration and duration one line with the fitted growth exponent of cpu_s
// vs VMs (least squares on log-log) and marginal_bytes_per_vm (least-squares
// slope of peak RSS vs VMs: what one more VM costs), measured runs only.
// A size whose predicted CPU time exceeds --budget-s is not run: its line says
// "skipped": true with "extrapolated_cpu_s": the 1-day run of its size x days
// when there is one, else the previous size's time x (VMs ratio)^exponent (the
// exponent fitted so far at this duration, else the 1-day fit, else
// --assume-exponent). Extrapolations chain from extrapolations.
// A report, not a pass/fail on timing.
//   bench_scale [--hosts 800,8000,50000] [--days 1,30] [--configs rules,rules-admitted,thr-mmt]
//               [--budget-s 300] [--assume-exponent 2.3] [--vms-per-host 1.315]
// (--vms-per-host 2 for the 50,000 hosts / 100,000 VMs target).

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/child_process.hpp"
#include "experiments/cluster_setup.hpp"
#include "sim/cluster_engine.hpp"

using namespace migsim;

namespace {

constexpr double kPlanetLabVmsPerHost = 1052.0 / 800.0;
constexpr double kDayS = 86400.0;

struct Options {
  std::vector<int> hosts{800, 8000, 50000};
  std::vector<int> days{1, 30};
  std::vector<std::string> configs{"rules", "rules-admitted", "thr-mmt"};
  double budget_s = 300;
  double assume_exponent = 2.3;
  double vms_per_host = kPlanetLabVmsPerHost;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "bench_scale: %s\n", message.c_str());
  std::exit(2);
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

double number(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(v > 0)) {
    usage_error(flag + ": expected a positive number, got '" + text + "'");
  }
  return v;
}

std::vector<int> integers(const std::string& flag, const std::string& text) {
  std::vector<int> out;
  for (const std::string& item : split(text)) {
    const double v = number(flag, item);
    if (v != std::floor(v)) usage_error(flag + ": expected whole numbers, got '" + item + "'");
    out.push_back(static_cast<int>(v));
  }
  if (out.empty()) usage_error(flag + ": expected a comma-separated list, got '" + text + "'");
  return out;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage_error(flag + ": missing value");
    const std::string value = argv[++i];
    if (flag == "--hosts") {
      o.hosts = integers(flag, value);
    } else if (flag == "--days") {
      o.days = integers(flag, value);
    } else if (flag == "--configs") {
      o.configs = split(value);
      for (const std::string& c : o.configs) {
        if (c != "rules" && c != "rules-admitted" && c != "thr-mmt") {
          usage_error("--configs: expected rules, rules-admitted and/or thr-mmt, got '" + c + "'");
        }
      }
    } else if (flag == "--budget-s") {
      o.budget_s = number(flag, value);
    } else if (flag == "--assume-exponent") {
      o.assume_exponent = number(flag, value);
    } else if (flag == "--vms-per-host") {
      o.vms_per_host = number(flag, value);
    } else {
      usage_error("unknown flag '" + flag + "' (flags: --hosts, --days, --configs, --budget-s, --assume-exponent, --vms-per-host)");
    }
  }
  return o;
}

// A "VmXXX:   1234 kB" field of /proc/self/status, in bytes.
long long status_bytes(const char* field) {
  std::ifstream in("/proc/self/status");
  const std::string key = std::string(field) + ":";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) == 0) return std::atoll(line.c_str() + key.size()) * 1024;
  }
  return -1;
}

double cpu_now_s() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double rounded(double x, int digits = 4) {
  if (!(x != 0) || !std::isfinite(x)) return x;
  const double scale = std::pow(10.0, digits - 1 - static_cast<int>(std::floor(std::log10(std::fabs(x)))));
  return std::round(x * scale) / scale;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) usage_error(path + ": cannot open scenario");
  return nlohmann::json::parse(in);
}

// The scenario of one configuration at one size and duration.
experiments::ClusterRunRequest request_for(const std::string& config, int hosts, int vms, int days) {
  const std::string dir = std::string(MIGSIM_SOURCE_DIR) + "/scenarios/";
  experiments::ClusterRunRequest req;
  nlohmann::json doc = read_json(dir + (config == "thr-mmt" ? "cloudsim-planetlab.json" : "default-cluster.json"));
  if (config == "rules-admitted") doc["policy"]["planning"] = "admitted";
  // Two host types alternating: half of each (the G4s get the odd one).
  doc["host_types"][0]["count"] = hosts - hosts / 2;
  doc["host_types"][1]["count"] = hosts / 2;
  const double interval = doc["scheduling_interval_s"].get<double>();
  doc["duration_s"] = days * kDayS;
  doc["workload"] = {{"source", "synthetic"},
                     {"vms", vms},
                     {"seed", 1},
                     {"samples", static_cast<int>(days * kDayS / interval)},
                     {"interval_s", interval}};
  if (config == "thr-mmt") req.policy = "thr-mmt";
  req.scenario_path = "bench_scale " + config + " " + std::to_string(hosts) + " hosts";
  req.scenario_doc = doc;
  return req;
}

// One run, in this (child) process.
nlohmann::json measure(const std::string& config, int hosts, int vms, int days) {
  const long long rss0 = status_bytes("VmRSS");
  const auto wall0 = std::chrono::steady_clock::now();
  const double c0 = cpu_now_s();
  experiments::ClusterRun run = experiments::prepare_cluster_run(request_for(config, hosts, vms, days));
  const double interval = run.spec.options.scheduling_interval_s;
  sim::ClusterEngine engine(std::move(run.spec), *run.policy, *run.timer);
  const double c1 = cpu_now_s();
  const sim::ClusterResult r = engine.run();
  const double c2 = cpu_now_s();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const long long hwm = status_bytes("VmHWM");
  const double vm_steps = static_cast<double>(vms) * (days * kDayS / interval);
  return {{"config", config},
          {"hosts", hosts},
          {"vms", vms},
          {"days", days},
          {"cpu_s", rounded(c2 - c0)},
          {"setup_cpu_s", rounded(c1 - c0)},
          {"wall_s", rounded(wall)},
          {"us_per_vm_step", rounded((c2 - c0) * 1e6 / vm_steps)},
          {"events_per_s", rounded(static_cast<double>(engine.events_processed()) / std::max(c2 - c1, 1e-9))},
          {"migrations", r.migrations},
          {"energy_kwh", rounded(r.energy_kwh, 7)},
          {"peak_rss_mib", rounded(static_cast<double>(hwm) / 1048576.0)},
          {"bytes_per_vm", std::lround(static_cast<double>(hwm - rss0) / vms)}};
}

// measure() in a child process (its own peak RSS).
nlohmann::json measure_in_child(const std::string& config, int hosts, int vms, int days) {
  return bench::measure_in_child([&] { return measure(config, hosts, vms, days); },
                                 {{"config", config}, {"hosts", hosts}, {"days", days}});
}

// Least-squares slope of y on x; NaN with fewer than two points.
double linear_slope(const std::vector<std::pair<double, double>>& xy) {
  if (xy.size() < 2) return std::nan("");
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [x, y] : xy) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double n = static_cast<double>(xy.size());
  const double d = n * sxx - sx * sx;
  return d == 0 ? std::nan("") : (n * sxy - sx * sy) / d;
}

// Least-squares slope of log(y) on log(x): the growth exponent.
double loglog_slope(const std::vector<std::pair<double, double>>& xy) {
  std::vector<std::pair<double, double>> logs;
  for (const auto& [x, y] : xy) logs.emplace_back(std::log(x), std::log(y));
  return linear_slope(logs);
}

void print(const nlohmann::json& j) {
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  for (const std::string& config : o.configs) {
    std::map<int, double> one_day_cpu;  // hosts -> cpu_s (measured or extrapolated) at 1 day
    double one_day_exponent = std::nan("");
    for (const int days : o.days) {
      std::vector<std::pair<double, double>> measured;  // (vms, cpu_s)
      std::vector<std::pair<double, double>> rss;       // (vms, peak RSS bytes)
      double prev_vms = 0, prev_cpu = 0;
      for (const int hosts : o.hosts) {
        const int vms = static_cast<int>(std::lround(hosts * o.vms_per_host));
        // Longer runs cost in proportion to their duration; larger ones grow
        // with the exponent fitted so far (or the one-day fit, or the assumed one).
        double predicted = 0;
        if (days != 1 && one_day_cpu.count(hosts)) {
          predicted = one_day_cpu[hosts] * days;
        } else if (prev_vms > 0) {
          double g = measured.size() >= 2 ? loglog_slope(measured) : one_day_exponent;
          if (!std::isfinite(g)) g = o.assume_exponent;
          predicted = prev_cpu * std::pow(vms / prev_vms, g);
        }
        nlohmann::json line;
        if (predicted > o.budget_s) {
          line = {{"config", config}, {"hosts", hosts},           {"vms", vms},
                  {"days", days},     {"skipped", true},           {"extrapolated", true},
                  {"extrapolated_cpu_s", rounded(predicted)},     {"budget_s", o.budget_s}};
          prev_cpu = predicted;
        } else {
          line = measure_in_child(config, hosts, vms, days);
          if (line.contains("error")) {
            print(line);
            return 1;
          }
          prev_cpu = line["cpu_s"].get<double>();
          measured.emplace_back(vms, std::max(prev_cpu, 1e-6));
          rss.emplace_back(vms, line["peak_rss_mib"].get<double>() * 1048576.0);
        }
        prev_vms = vms;
        if (days == 1) one_day_cpu[hosts] = prev_cpu;
        print(line);
      }
      const double g = loglog_slope(measured);
      if (days == 1) one_day_exponent = g;
      nlohmann::json fit{{"config", config}, {"days", days}, {"fit", "cpu_s ~ vms^exponent"},
                         {"points", measured.size()}};
      fit["exponent"] = std::isfinite(g) ? nlohmann::json(rounded(g, 3)) : nlohmann::json(nullptr);
      const double b = linear_slope(rss);
      fit["marginal_bytes_per_vm"] = std::isfinite(b) ? nlohmann::json(std::lround(b)) : nlohmann::json(nullptr);
      print(fit);
    }
  }
  return 0;
}
