// `migsim batch`: a set of migrations predicted together over a network
// (experiments/migration_batch.hpp): maintenance evacuations, rack drains, a
// policy's batch.
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "apps/commands.hpp"
#include "apps/out_dir_flags.hpp"
#include "experiments/batch_job.hpp"
#include "models/precopy_types.hpp"

namespace migsim::cli {

namespace {

struct BatchOptions {
  std::string file, schedule, out, profile;
  OutDirFlags out_dir;
  bool json = false;
};

int run_batch_command(const BatchOptions& o) {
  experiments::BatchJobRequest req;
  req.path = o.file;
  req.schedule = o.schedule;
  req.profile_path = o.profile;
  req.out = o.out;
  req.out_dir = o.out_dir.dir;
  req.format = out_dir_format(o.out_dir);
  const experiments::BatchJob job = experiments::run_batch_job(req);
  const experiments::MigrationBatch& batch = job.batch;
  const experiments::BatchResult& r = job.result;
  const nlohmann::json& j = job.summary;
  if (o.json) {
    print_json(j.dump(2));
    return 0;
  }
  std::ostringstream t;
  char line[256];
  std::snprintf(line, sizeof line, "batch            %s (%zu migrations, schedule %s, %s)\n", o.file.c_str(),
                batch.migrations.size(), experiments::to_string(batch.schedule).c_str(),
                batch.network ? "shared network" : "no network: each alone at its link_mibps");
  t << line;
  std::snprintf(line, sizeof line, "makespan         %.3f s\nconverged        %s\n", r.makespan_s,
                r.converged_all ? "all" : "NOT all");
  t << line;
  std::snprintf(line, sizeof line, "\n  %-20s %-8s %-8s %9s %9s %11s %11s %10s %6s %5s\n", "migration", "from", "to",
                "start s", "end s", "total ms", "downtime ms", "sent MiB", "syncs", "conv");
  t << line;
  for (const auto& m : r.migrations) {
    std::snprintf(line, sizeof line, "  %-20s host:%-3d host:%-3d %9.3f %9.3f %11.1f %11.1f %10.1f %6d %5s\n",
                  m.name.c_str(), m.from, m.to, m.start_s, m.end_s, m.total_time_ms, m.downtime_ms,
                  m.transferred_bytes / models::kMiB, m.dirty_syncs, m.converged ? "yes" : "NO");
    t << line;
  }
  std::cout << t.str();
  return 0;
}

}  // namespace

void add_batch_command(CLI::App& app, Action& action);
static const CommandRegistrar kRegisterBatch(25, "batch", add_batch_command);

void add_batch_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<BatchOptions>();
  CLI::App* sub = app.add_subcommand(
      "batch", "Predict a set of migrations over a shared network: an evacuation, a rack drain, a policy's batch.");
  sub->footer(
      "BATCH.json:\n"
      "  {\"network\": {\"switches\": [...], \"links\": [{\"a\": \"host:0-3\", \"b\": \"tor\", \"capacity_mbps\": 1000}, ...]},\n"
      "   \"profile\": {...host profile keys (optional; --profile FILE is its base)...},\n"
      "   \"defaults\": {...keys of a 'predict --batch' case...},\n"
      "   \"migrations\": [{\"name\": \"vm1\", \"from\": \"host:0\", \"to\": \"host:4\", \"start_s\": 0, ...case keys...}],\n"
      "   \"schedule\": \"as-given\"}\n"
      "Every link carries its capacity_mbps (host NICs too: a batch has no host types). Migrations\n"
      "in flight share the links of their routes max-min fairly, each asking for no more than its\n"
      "max_bandwidth_mibps before its stop-and-copy, and are re-rated whenever one starts, ends or\n"
      "is paused; QEMU's threshold sees the bandwidth each one really gets. Without \"network\", each\n"
      "runs alone at its case's link_mibps. A migration not converged at its horizon_s is\n"
      "converged: false with end_s = start_s + horizon_s. makespan_s = last end - first start.\n\n"
      "Schedules (--schedule or \"schedule\"):\n"
      "  as-given          each at its start_s\n"
      "  sequential        one at a time, in the file's order (none before its start_s)\n"
      "  shortest-first    one at a time, shortest predicted time alone first\n"
      "  max_per_link:K    at most K in flight on any link ({\"max_per_link\": K} in the file)\n"
      "  max_per_host:K    at most K in flight into or out of any host\n"
      "(the last two start each migration, in start_s order, as soon as it fits)\n\n"
      "Examples:\n"
      "  migsim batch scenarios/batch-rack-drain.json\n"
      "  migsim batch scenarios/batch-rack-drain.json --schedule max_per_link:1 --json\n");
  sub->add_option("batch", o->file, "Batch file (JSON)")->required();
  sub->add_option("--schedule", o->schedule, "Override the file's schedule (see below)");
  sub->add_option("--profile", o->profile, "Host profile JSON: the base of every case (migsim calibrate)");
  sub->add_option("--out", o->out, "Also write the JSON result here (atomically)");
  add_out_dir_flags(sub, o->out_dir, "migrations.csv, summary.json (= --json)");
  sub->add_flag("--json", o->json, "Print one JSON object: makespan_s, converged_all, migrations[]");
  sub->callback([o, &action] { action = [o] { return run_batch_command(*o); }; });
}

}  // namespace migsim::cli
