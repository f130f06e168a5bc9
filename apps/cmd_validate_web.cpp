// `migsim validate record-web`: real web runs (issue 12) — a request stream against the web
// guest, across a live migration or not — recorded into a web-run dataset
// (validation/web_record.hpp). The logic is in validation/web_*.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "apps/commands.hpp"
#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"
#include "validation/guest_image.hpp"
#include "validation/interrupt.hpp"
#include "validation/migration_runner.hpp"
#include "validation/qemu_process.hpp"
#include "validation/validation_dataset.hpp"
#include "validation/web_case.hpp"
#include "validation/web_link.hpp"
#include "validation/web_record_writer.hpp"
#include "validation/web_runner.hpp"

namespace migsim::cli {

namespace {

namespace fs = std::filesystem;

struct RecordWebOptions {
  std::string matrix, out, requests_dir, host_note;
  std::vector<std::string> only;
  std::string qemu = "qemu-system-x86_64";
  std::string image_dir = validation::default_web_image_dir();
  std::string work_root = "/tmp";
  bool keep_work = false, dry_run = false;
};

std::string folder_of(const std::string& path) {
  return fs::path(path).has_parent_path() ? fs::path(path).parent_path().string() : ".";
}

int run_record_web(const RecordWebOptions& o) {
  if (!fs::is_directory(folder_of(o.out))) {
    throw InputError("--out: folder '" + folder_of(o.out) + "' of " + o.out + " does not exist");
  }
  if (!o.requests_dir.empty() && !fs::is_directory(o.requests_dir)) {
    throw InputError("--requests-dir: '" + o.requests_dir + "' is not a folder");
  }
  auto runs = validation::read_web_matrix_file(o.matrix);
  if (!o.only.empty()) {
    std::vector<validation::WebCase> picked;
    for (const auto& name : o.only) {
      const auto it = std::find_if(runs.begin(), runs.end(), [&](const auto& r) { return r.name == name; });
      if (it == runs.end()) throw InputError("--only: no run named '" + name + "' in " + o.matrix);
      picked.push_back(*it);
    }
    runs = picked;
  }
  if (o.dry_run) {
    for (const auto& r : runs) {
      std::cout << r.name << " [" << r.split << ", " << r.scenario() << "]: " << r.arrival_rps << " req/s x "
                << r.duration_s << " s = " << r.requests() << " requests of " << r.request_path();
      if (r.migration_at_s) {
        std::cout << ", migrate at " << *r.migration_at_s << " s, bw=" << r.guest.max_bandwidth_mibps
                  << " dl=" << r.guest.downtime_limit_ms << " ac=" << r.guest.auto_converge;
      }
      std::cout << "; guest " << r.guest.kernel_cmdline_keys() << "\n";
    }
    std::cout << runs.size() << " web runs planned\n";
    return 0;
  }
  const std::string first = "run '" + runs.front().name + "'";
  if (validation::find_program(o.qemu).empty()) {
    throw EnvironmentError(first + ": QEMU missing: '" + o.qemu + "' not found (install qemu-system-x86: scripts/setup all)");
  }
  validation::GuestImage image;
  try {
    image = validation::load_guest_image(o.image_dir, validation::web_image_build_script());
  } catch (const EnvironmentError& e) {
    throw EnvironmentError(first + ": " + e.what());
  }
  validation::install_interrupt_handlers();
  validation::RunnerOptions ro;
  ro.qemu = o.qemu;
  ro.work_root = o.work_root;
  ro.keep_work = o.keep_work;
  ro.progress = [](const std::string& m) { std::cerr << "validate: " << m << "\n"; };
  std::size_t done = 0, failed = 0;
  for (const auto& r : runs) {
    validation::WebRunOutput res;
    try {
      res = validation::run_web_case(r, image, ro);
    } catch (const validation::Interrupted& e) {
      std::cerr << "validate: " << e.what() << "; " << done << " web runs written to " << o.out
                << ", the rest not started\n";
      return 130;
    }
    if (!o.host_note.empty()) res.measured.env["host_note"] = o.host_note;
    nlohmann::json rec = validation::build_web_record(r, res.measured);
    if (rec["migration"].is_object() && rec["migration"]["record"].value("outcome", "") == "failed") {
      // The web dataset holds no failed migration: say why and go on with the next run.
      ++failed;
      std::cerr << "validate: " << r.name << ": the migration failed ("
                << rec["migration"]["record"].value("failure_reason", std::string("?")) << "): not recorded\n";
      continue;
    }
    // Checked before it is written: the migration's record must read as a validation record.
    if (rec["migration"].is_object()) validation::measured_from_record(rec["migration"]["record"], r.name);
    if (!o.requests_dir.empty()) {
      traces::write_file_atomically(o.requests_dir + "/" + r.name + ".requests.jsonl",
                                    validation::request_log_jsonl(res.log));
    }
    traces::append_lines_atomically(o.out, rec.dump() + "\n");
    ++done;
    const auto& s = rec["summary"];
    std::cerr << "validate: [" << done << "/" << runs.size() << "] " << r.name << ": " << s["requests"] << " requests, "
              << s["completed"] << " ok, p50 " << s["p50_ms"] << " ms, p99 " << s["p99_ms"] << " ms, max stall "
              << s["max_stall_ms"] << " ms"
              << (rec["migration"].is_object()
                      ? ", downtime " + rec["migration"]["record"]["qemu"].value("downtime", nlohmann::json(nullptr)).dump() + " ms"
                      : std::string())
              << "\n";
  }
  std::cout << "recorded " << done << " web runs into " << o.out << "\n";
  if (failed > 0) {
    std::cerr << "validate: " << failed << " run(s) not recorded: their migration failed\n";
    return 1;
  }
  return 0;
}

}  // namespace

// Registers `validate record-web` under the `validate` command (called by cmd_validate.cpp).
void add_validate_record_web(CLI::App& validate, Action& action) {
  auto o = std::make_shared<RecordWebOptions>();
  CLI::App* rec = validate.add_subcommand(
      "record-web",
      "Record real web runs: for every run of MATRIX boot the web guest (validation/guest/build-web-image) as "
      "the source of a migration, send it an open-loop request stream from a namespace on its bridge, migrate "
      "it at migration_at_s (or not), and append one line per run (format migsim-web-run/1, "
      "validation/web_record.hpp) to the dataset. Needs root (network namespaces, taps).");
  rec->add_option("matrix", o->matrix, "Web matrix JSON ({\"defaults\":{...},\"runs\":[...]})")->required();
  rec->add_option("--out", o->out, "Dataset (JSON lines) to append to")->required();
  rec->add_option("--requests-dir", o->requests_dir, "Write each run's request log to DIR/RUN.requests.jsonl");
  rec->add_option("--only", o->only, "Run only these run names");
  rec->add_option("--qemu", o->qemu, "QEMU binary")->capture_default_str();
  rec->add_option("--image-dir", o->image_dir, "Web guest image folder (built if missing)");
  rec->add_option("--work-root", o->work_root, "Where per-run temporary folders go")->capture_default_str();
  rec->add_option("--host-note", o->host_note, "Text recorded as env.host_note (e.g. how the host was quietened)");
  rec->add_flag("--keep-work", o->keep_work, "Keep the per-run folders (logs, serial consoles)");
  rec->add_flag("--dry-run", o->dry_run, "Check the matrix and list the runs; start nothing");
  rec->callback([o, &action] { action = [o] { return run_record_web(*o); }; });
}

}  // namespace migsim::cli
