// `migsim validate`: real QEMU live migrations recorded into a dataset
// (record), compared with the model and the baselines (report), and the host
// profile tuned on a dataset's training split (tune).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "apps/commands.hpp"
#include "models/scenario_json.hpp"
#include "sim/input_error.hpp"
#include "sim/name_list.hpp"
#include "traces/atomic_file.hpp"
#include "validation/accuracy_report.hpp"
#include "validation/batch_case.hpp"
#include "validation/batch_dataset.hpp"
#include "validation/batch_report.hpp"
#include "validation/batch_runner.hpp"
#include "validation/dataset_report.hpp"
#include "validation/foreign_cpu_meter.hpp"
#include "validation/guest_image.hpp"
#include "validation/host_tuning.hpp"
#include "validation/interrupt.hpp"
#include "validation/migration_runner.hpp"
#include "validation/qemu_process.hpp"
#include "validation/shaped_link.hpp"
#include "validation/validation_case.hpp"
#include "validation/validation_dataset.hpp"
#include "validation/web_dataset.hpp"
#include "validation/report_document.hpp"
#include "validation/web_report.hpp"

namespace migsim::cli {

namespace {

namespace fs = std::filesystem;
using validation::MeasuredMigration;

struct ValidateOptions {
  std::string matrix, out = "validation-dataset.jsonl";
  std::vector<std::string> only;
  std::string qemu = "qemu-system-x86_64";
  std::string image_dir = validation::source_dir() + "/validation/guest/build";
  std::string work_root = "/tmp";
  bool keep_work = false, dry_run = false;
  std::vector<std::string> datasets;
  std::string plot, cases_json, profile_out, profile, windows_csv;
  std::vector<std::string> train_on;
  std::string accel = "tcg";
  double probe_timeout_s = 60;
  bool json = false, no_tune = false;
};

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// Before a recording: QEMU present, the guest image built, Ctrl-C handled.
// Errors name `first` (the first case or batch).
validation::GuestImage prepare_recording(const ValidateOptions& o, const std::string& first) {
  if (validation::find_program(o.qemu).empty()) {
    throw EnvironmentError(first + ": QEMU missing: '" + o.qemu +
                           "' not found (install qemu-system-x86: scripts/setup all)");
  }
  validation::GuestImage image;
  try {
    image = validation::load_guest_image(o.image_dir, validation::source_dir() + "/validation/guest/build-image");
  } catch (const EnvironmentError& e) {
    throw EnvironmentError(first + ": " + e.what());
  }
  validation::install_interrupt_handlers();
  return image;
}

validation::RunnerOptions runner_options(const ValidateOptions& o) {
  validation::RunnerOptions ro;
  ro.qemu = o.qemu;
  ro.work_root = o.work_root;
  ro.keep_work = o.keep_work;
  ro.progress = [](const std::string& m) { std::cerr << "validate: " << m << "\n"; };
  return ro;
}

// `record` of a batch matrix: every batch over its own shaped link, one JSON line per batch.
int run_batch_record(const ValidateOptions& o) {
  auto batches = validation::read_batch_matrix_file(o.matrix);
  if (!o.only.empty()) {
    std::vector<validation::BatchCase> picked;
    for (const auto& name : o.only) {
      const auto it = std::find_if(batches.begin(), batches.end(), [&](const auto& b) { return b.name == name; });
      if (it == batches.end()) throw InputError("--only: no batch named '" + name + "' in " + o.matrix);
      picked.push_back(*it);
    }
    batches = picked;
  }
  int runs = 0;
  for (const auto& b : batches) runs += b.repeats;
  if (o.dry_run) {
    for (const auto& b : batches) {
      std::cout << b.name << " x" << b.repeats << " [" << b.split << "]: " << b.migrations.size()
                << " migrations over " << b.link.rate_mbit << " Mbit/s, "
                << fmt("%.0f", validation::batch_memory_need_mib(b)) << " MiB of QEMU memory\n";
    }
    std::cout << runs << " batches planned\n";
    return 0;
  }
  const std::string first = "batch '" + batches.front().name + "'";
  std::string why;
  if (!validation::find_program(o.qemu).empty() && !validation::ShapedLink::available(&why)) {
    throw EnvironmentError(first + ": " + why);
  }
  const validation::GuestImage image = prepare_recording(o, first);
  const validation::RunnerOptions ro = runner_options(o);
  int done = 0;
  for (const auto& b : batches) {
    for (int r = 1; r <= b.repeats; ++r) {
      nlohmann::json rec;
      try {
        rec = validation::run_batch_case(b, r, image, ro);
      } catch (const validation::Interrupted& e) {
        std::cerr << "validate: " << e.what() << "; " << done << " batch records written to " << o.out
                  << ", the rest not started\n";
        return 130;
      }
      const auto m = validation::measured_batch_from_record(rec, b.name);
      traces::append_lines_atomically(o.out, rec.dump() + "\n");
      ++done;
      int converged = 0;
      for (const auto& x : m.migrations) converged += x.converged ? 1 : 0;
      std::cerr << "validate: [" << done << "/" << runs << "] " << b.name << " #" << r << ": makespan "
                << fmt("%.1f", m.makespan_s) << " s, " << converged << "/" << m.migrations.size()
                << " converged\n";
    }
  }
  std::cout << "recorded " << done << " batches into " << o.out << "\n";
  return 0;
}

int run_record(const ValidateOptions& o) {
  const fs::path out_dir = fs::path(o.out).has_parent_path() ? fs::path(o.out).parent_path() : ".";
  if (!fs::is_directory(out_dir)) {
    throw InputError("--out: folder '" + out_dir.string() + "' of " + o.out + " does not exist");
  }
  if (validation::is_batch_matrix(read_json_file(o.matrix))) return run_batch_record(o);
  auto cases = validation::read_matrix_file(o.matrix);
  if (!o.only.empty()) {
    std::vector<validation::ValidationCase> picked;
    for (const auto& name : o.only) {
      bool found = false;
      for (const auto& c : cases) {
        if (c.name == name) picked.push_back(c), found = true;
      }
      if (!found) throw InputError("--only: no case named '" + name + "' in " + o.matrix);
    }
    cases = picked;
  }
  int runs = 0;
  for (const auto& c : cases) runs += c.repeats;
  if (o.dry_run) {
    for (const auto& c : cases) {
      std::cout << c.name << " x" << c.repeats << " [" << c.split << "]: " << c.kernel_cmdline_keys()
                << " bw=" << c.max_bandwidth_mibps << " dl=" << c.downtime_limit_ms
                << " ac=" << c.auto_converge << " horizon=" << c.horizon_s << "\n";
    }
    std::cout << runs << " migrations planned\n";
    return 0;
  }
  const validation::GuestImage image = prepare_recording(o, "case '" + cases.front().name + "'");
  const validation::RunnerOptions ro = runner_options(o);
  std::map<std::string, std::string> accel_for;  // "auto" resolved once by a boot probe
  int done = 0, failed = 0;
  for (auto c : cases) {
    if (c.accel == "auto") {
      if (!accel_for.count("auto")) {
        const bool kvm = validation::probe_accelerator("kvm", image, ro, 20.0);
        accel_for["auto"] = kvm ? "kvm" : "tcg";
        std::cerr << "validate: KVM boot probe " << (kvm ? "booted: using kvm" : "failed: using tcg")
                  << "\n";
      }
      c.accel = accel_for["auto"];
    }
    for (int r = 1; r <= c.repeats; ++r) {
      nlohmann::json rec;
      try {
        rec = validation::run_migration_case(c, r, image, ro);
      } catch (const validation::Interrupted& e) {
        std::cerr << "validate: " << e.what() << "; " << done << " records written to " << o.out
                  << ", the rest not started\n";
        return 130;
      }
      // Checked before it is written: the dataset only ever holds readable records.
      const auto m = validation::measured_from_record(rec, c.name);
      traces::append_lines_atomically(o.out, rec.dump() + "\n");
      ++done;
      if (m.failed) {
        ++failed;
        std::cerr << "validate: [" << done << "/" << runs << "] " << c.name << " #" << r
                  << ": FAILED: " << m.failure_reason << "\n";
        continue;
      }
      std::cerr << "validate: [" << done << "/" << runs << "] " << c.name << " #" << r << ": "
                << (m.converged ? "completed" : "NOT converged") << " total "
                << fmt("%.0f", m.total_time_ms) << " ms, downtime " << fmt("%.0f", m.downtime_ms)
                << " ms, " << fmt("%.1f", m.transferred_bytes / 1048576.0) << " MiB, "
                << m.dirty_syncs << " syncs\n";
    }
  }
  std::cout << "recorded " << done << " migrations into " << o.out;
  if (failed > 0) std::cout << " (" << failed << " failed)";
  std::cout << "\n";
  return 0;
}

// How quiet the host was while the dataset was recorded: other processes' CPU use
// during each migration (recorded since format additions of 2026-11; older records lack it).
void print_host_quietness(std::ostream& out, const std::vector<MeasuredMigration>& data) {
  std::vector<double> cores;
  for (const auto& m : data) {
    if (m.foreign_cpu_cores >= 0) cores.push_back(m.foreign_cpu_cores);
  }
  if (cores.empty()) {
    // Older records only have the 1-min load average, which counts the run's own QEMUs too.
    std::vector<double> load;
    for (const auto& m : data) load.push_back(m.host_load_1min);
    std::sort(load.begin(), load.end());
    out << "host load while recording: other processes' CPU use not recorded (older records); "
        << "1-min load average at the start of each run (its own QEMUs included): median "
        << fmt("%.2f", load[load.size() / 2]) << ", max " << fmt("%.2f", load.back()) << "\n";
    return;
  }
  std::sort(cores.begin(), cores.end());
  const auto busy = std::count_if(cores.begin(), cores.end(),
                                  [](double c) { return c > validation::kBusyHostCores; });
  out << "host load while recording: other processes used a median " << fmt("%.2f", cores[cores.size() / 2])
      << " cores (max " << fmt("%.2f", cores.back()) << ") during the " << cores.size()
      << " migrations that recorded it; " << busy << " above " << validation::kBusyHostCores
      << " cores (busy host)\n";
}

// `report` of a batch dataset (validation/batch_report.hpp).
int run_batch_report(const ValidateOptions& o) {
  if (o.no_tune) throw InputError("--no-tune: batch datasets take their parameters from --train-on or --profile");
  const validation::BatchReport r = validation::build_batch_report({o.datasets, o.train_on, o.profile});
  if (!o.cases_json.empty() || !o.plot.empty()) {
    const nlohmann::json cases = validation::batch_cases_document(r);
    if (!o.cases_json.empty()) traces::write_file_atomically(o.cases_json, cases.dump(2) + "\n");
    if (!o.plot.empty()) validation::plot_batches(cases, o.plot);
  }
  if (o.json) {
    std::cout << validation::batch_accuracy_json(r).dump(2) << "\n";
    return 0;
  }
  std::cout << validation::batch_report_text(r);
  std::vector<MeasuredMigration> one_per_batch;
  for (const auto& b : r.data) one_per_batch.push_back(b.migrations.front());
  print_host_quietness(std::cout, one_per_batch);
  return 0;
}

// `report` of a web dataset (validation/web_report.hpp).
int run_web_report(const ValidateOptions& o) {
  if (o.datasets.size() != 1) throw InputError("dataset: a web report reads one dataset, got " + std::to_string(o.datasets.size()));
  if (!o.train_on.empty()) throw InputError(validation::kTrainOnForWeb);
  if (!o.cases_json.empty() || !o.plot.empty()) throw InputError(validation::kCasesForWeb);
  const validation::WebReport r = validation::build_web_report({o.datasets.front(), o.profile});
  if (!o.windows_csv.empty()) traces::write_file_atomically(o.windows_csv, validation::web_windows_csv(r));
  std::cout << (o.json ? validation::web_report_json(r).dump(2) + "\n" : validation::web_report_text(r));
  return 0;
}

int run_report(const ValidateOptions& o, bool tune_only) {
  if (!tune_only && validation::is_web_dataset(o.datasets.front())) return run_web_report(o);
  if (!o.windows_csv.empty()) throw InputError(validation::kWindowsForWeb);
  if (!tune_only && validation::is_batch_dataset(o.datasets.front())) return run_batch_report(o);
  if (!o.profile.empty()) throw InputError(validation::kProfileForSingle);
  const validation::DatasetReport r =
      validation::build_dataset_report({o.datasets, o.train_on, o.no_tune, !tune_only});
  const auto& data = r.data;
  const auto& dataset_names = r.dataset_names;
  const auto& tuned = r.tuned;
  const auto& test = r.test;
  const auto& train = r.train;
  if (tune_only) {
    traces::write_file_atomically(o.profile_out,
                                  validation::profile_document(tuned, dataset_names).dump(2) + "\n");
    std::cout << "tuned on " << tuned.training_cases << " training runs; profile written to "
              << o.profile_out << "\n";
    return 0;
  }
  if (!o.cases_json.empty() || !o.plot.empty()) {
    const nlohmann::json doc = validation::cases_document(r);
    if (!o.cases_json.empty()) traces::write_file_atomically(o.cases_json, doc.dump(1) + "\n");
    if (!o.plot.empty()) validation::plot_cases(doc, o.plot);
  }
  if (o.json) {
    std::cout << validation::accuracy_json(r).dump(2) << "\n";
    return 0;
  }
  const auto reported = std::count_if(data.begin(), data.end(), [](const auto& m) { return !m.training(); });
  std::cout << "dataset " << dataset_names << ": " << data.size() << " real migrations, " << reported
            << " reported only (split=test); host profile tuned on " << tuned.training_cases
            << " split=train cases"
            << (o.train_on.empty() ? std::string(" of the same dataset") : " of --train-on " + validation::dataset_label(o.train_on))
            << "\n";
  print_host_quietness(std::cout, data);
  std::cout << "\n";
  char head[400];
  std::snprintf(head, sizeof head,
                "%-22s %2s %-5s %5s %5s %5s %7s %4s %5s %2s | %-5s %8s %8s %6s | %7s %7s %6s | %6s %6s | %5s\n",
                "case", "#", "split", "RAM", "fill", "WSS", "pages/s", "BW", "DL", "AC", "conv",
                "real ms", "pred ms", "err%", "realMiB", "predMiB", "err%", "dt ms", "pred", "syncs");
  std::cout << head;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto& m = data[i];
    const auto& p = r.predictions[i].at(validation::kModelName);
    const std::string conv = std::string(m.converged ? "Y" : "N") + "/" + (p.converged ? "Y" : "N");
    const bool both = m.converged && p.converged;
    char line[400];
    std::snprintf(
        line, sizeof line,
        "%-22s %2d %-5s %5.0f %5.0f %5.0f %7.0f %4.0f %5.0f %2s | %-5s %8.0f %8.0f %6s | %7.1f %7.1f %6s | %6.0f %6s | %2d/%-2d\n",
        m.config.name.substr(0, 22).c_str(), m.repeat, m.config.split.c_str(), m.config.ram_mib,
        m.config.fill_mib, m.config.wss_mib, m.config.dirty_pages_per_sec,
        m.config.max_bandwidth_mibps, m.config.downtime_limit_ms, m.config.auto_converge ? "on" : "-",
        conv.c_str(), m.total_time_ms, p.total_time_ms,
        both ? fmt("%+.1f", 100.0 * (p.total_time_ms - m.total_time_ms) / m.total_time_ms).c_str() : "",
        m.transferred_bytes / 1048576.0, p.transferred_bytes / 1048576.0,
        both ? fmt("%+.1f", 100.0 * (p.transferred_bytes - m.transferred_bytes) / m.transferred_bytes).c_str()
             : "",
        m.downtime_ms, both ? fmt("%.0f", p.downtime_ms).c_str() : "", m.dirty_syncs, p.dirty_syncs);
    std::cout << line;
  }
  std::cout << "\n(conv = real/predicted converged; err% = (predicted - real) / real)\n\n";
  std::cout << "Accuracy on the " << test.at(validation::kModelName).cases
            << " cases NOT used for tuning (errors over cases converged in reality and prediction):\n";
  std::cout << validation::score_table_header();
  for (const auto& n : validation::model_names()) std::cout << validation::score_line(n, test.at(n));
  const auto& s = test.at(validation::kModelName);
  std::cout << "\nConvergence confusion matrix (" << validation::kModelName << ", reported cases):\n"
            << "                      predicted converged   predicted not\n"
            << "  really converged    " << fmt("%19.0f", s.confusion[1][1]) << fmt("%16.0f", s.confusion[1][0]) << "\n"
            << "  really not          " << fmt("%19.0f", s.confusion[0][1]) << fmt("%16.0f", s.confusion[0][0]) << "\n";
  std::cout << "\n"
            << (o.train_on.empty() ? "Fit quality on the " : "For reference, this dataset's ")
            << train.at(validation::kModelName).cases
            << (o.train_on.empty() ? " training cases (for reference, not the reported accuracy):\n"
                                   : " split=train cases (not used: tuned on --train-on):\n");
  std::cout << validation::score_line(validation::kModelName, train.at(validation::kModelName));
  std::cout << "\nTuned parameters: " << validation::to_json(tuned).dump() << "\n";
  return 0;
}

int run_probe(const ValidateOptions& o) {
  if (validation::find_program(o.qemu).empty()) {
    throw EnvironmentError("QEMU missing: '" + o.qemu + "' not found (install qemu-system-x86)");
  }
  const auto image = validation::load_guest_image(
      o.image_dir, validation::source_dir() + "/validation/guest/build-image");
  validation::install_interrupt_handlers();
  validation::RunnerOptions ro;
  ro.qemu = o.qemu;
  ro.work_root = o.work_root;
  if (validation::probe_accelerator(o.accel, image, ro, o.probe_timeout_s)) {
    std::cout << "probe: the guest booted with " << o.accel << "\n";
    return 0;
  }
  std::cout << "probe: the guest did not reach MIGSIM-READY with " << o.accel << " within "
            << o.probe_timeout_s << " s\n";
  return 1;
}

}  // namespace

void add_validate_command(CLI::App& app, Action& action);
void add_validate_record_web(CLI::App& validate, Action& action);  // cmd_validate_web.cpp
void add_validate_load(CLI::App& validate, Action& action);        // cmd_validate_load.cpp
static const CommandRegistrar kRegisterValidate(60, "validate", add_validate_command);

void add_validate_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ValidateOptions>();
  CLI::App* v = app.add_subcommand(
      "validate", "Real QEMU live migrations: record a matrix, report the model's accuracy.");
  v->require_subcommand(1);
  v->footer(
      "Examples:\n"
      "  migsim validate record validation/matrix/ci-smoke.json --out /tmp/smoke.jsonl\n"
      "  migsim validate report validation/data/tcg-loopback-quiet*.jsonl\n"
      "  migsim validate report validation/data/tcg-loopback-quiet1.jsonl --json --plot out.png\n");
  CLI::App* rec = v->add_subcommand(
      "record", "Run every case of MATRIX as a real migration between two local QEMUs (TCG, "
                "loopback TCP); append one JSON line per migration to the dataset. Run it with "
                "nothing else busy: the QEMUs' threads need the cores, and each record notes the CPU "
                "other processes took (env.foreign_cpu_cores; a warning above 0.25 cores).");
  rec->add_option("matrix", o->matrix, "Matrix JSON file ({\"defaults\":{...},\"cases\":[...]})")
      ->required();
  rec->add_option("--out", o->out, "Dataset (JSON lines) to append to")->capture_default_str();
  rec->add_option("--only", o->only, "Run only these case names");
  rec->add_option("--qemu", o->qemu, "QEMU binary")->capture_default_str();
  rec->add_option("--image-dir", o->image_dir, "Guest image folder (built if missing)");
  rec->add_option("--work-root", o->work_root, "Where per-run temporary folders go")
      ->capture_default_str();
  rec->add_flag("--keep-work", o->keep_work, "Keep the per-run folders (logs, serial consoles)");
  rec->add_flag("--dry-run", o->dry_run, "Check the matrix and list the runs; start nothing");
  rec->callback([o, &action] { action = [o] { return run_record(*o); }; });

  CLI::App* rep = v->add_subcommand(
      "report", "Predict every recorded migration with the model (" + std::string(validation::kModelName) +
                    "; host profile tuned on the dataset's split=train cases) and the baselines (" +
                    join_names(validation::baseline_names()) + "); print the accuracy.");
  rep->add_option("dataset", o->datasets,
                  "Dataset(s) (JSON lines) from 'validate record'; several are read as one")
      ->required();
  rep->add_flag("--json", o->json,
                "Print one object: cases, convergence_correct, total_time_mape_pct, "
                "bytes_mape_pct, downtime_median_abs_err_ms, downtime_median_rel_err_pct, baselines{...}");
  rep->add_option("--plot", o->plot, "Write a predicted-vs-measured PNG (python3-matplotlib)");
  rep->add_option("--cases-json", o->cases_json, "Write per-case predictions and measurements");
  rep->add_flag("--no-tune", o->no_tune, "Use the generic host profile instead of tuning");
  rep->add_option("--train-on", o->train_on,
                  "Tune on the split=train cases of these other dataset(s) instead");
  rep->add_option("--profile", o->profile,
                  "Batch datasets: host profile file when no --train-on is given "
                  "(default validation/profiles/tcg-loopback.json)");
  rep->add_option("--windows", o->windows_csv,
                  "Web datasets: write measured vs predicted p50/p99/throughput per 0.1 s window and run (CSV)");
  rep->callback([o, &action] { action = [o] { return run_report(*o, false); }; });

  CLI::App* probe = v->add_subcommand(
      "probe", "Boot the validation guest once; exit 0 if it reaches MIGSIM-READY (used to pick "
               "KVM only where it works, and by the tests to skip when QEMU cannot boot at all).");
  probe->add_option("--accel", o->accel, "tcg or kvm")->check(CLI::IsMember({"tcg", "kvm"}))
      ->capture_default_str();
  probe->add_option("--timeout-s", o->probe_timeout_s, "Boot deadline")->capture_default_str();
  probe->add_option("--qemu", o->qemu, "QEMU binary")->capture_default_str();
  probe->add_option("--image-dir", o->image_dir, "Guest image folder (built if missing)");
  probe->callback([o, &action] { action = [o] { return run_probe(*o); }; });

  CLI::App* tune = v->add_subcommand(
      "tune", "Fit the host profile on the dataset's split=train cases and write it "
              "(usable as 'migsim predict --profile').");
  tune->add_option("dataset", o->datasets, "Dataset(s) (JSON lines)")->required();
  tune->add_option("--out", o->profile_out, "Profile JSON to write")->required();
  tune->callback([o, &action] { action = [o] { return run_report(*o, true); }; });

  add_validate_record_web(*v, action);
  add_validate_load(*v, action);
}

}  // namespace migsim::cli
