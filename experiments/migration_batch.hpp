#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/precopy_types.hpp"
#include "sim/migration_flows.hpp"
#include "sim/network_topology.hpp"

namespace migsim::experiments {

// A set of migrations predicted together over a network (`migsim batch`): a
// maintenance evacuation, a rack drain, a policy's batch. Every migration is a
// QEMU pre-copy process; those in flight share the links of their routes
// max-min fairly (QEMU's max-bandwidth caps each one before its stop-and-copy)
// and are re-rated whenever one starts, ends or is paused. Without a network
// each runs alone at its case's link_mibps.
struct BatchSchedule {
  enum class Kind { AsGiven, Sequential, MaxPerLink, MaxPerHost, ShortestFirst };
  Kind kind = Kind::AsGiven;
  int limit = 0;  // MaxPerLink / MaxPerHost: K
};

struct BatchMigration {
  std::string name;
  int from = -1;
  int to = -1;
  double start_s = 0.0;
  models::MigrationScenario scenario;
};

struct MigrationBatch {
  std::string where;  // the file, for messages
  std::shared_ptr<const sim::NetworkTopology> network;  // null: each alone at its link_mibps
  std::vector<BatchMigration> migrations;
  BatchSchedule schedule;
  // How the migrations in flight share bandwidth (default: max-min over the
  // network's links, or unshared without one) and whether those in flight are
  // re-rated when another starts or ends. The validation report's baselines set
  // these (NIC split or max-min, each with the rate fixed at start).
  std::optional<sim::Sharing> sharing;
  bool rerate = true;
};

// Reads {"network": {...}, "profile": {...}, "defaults": {...}, "migrations": [{"name",
// "from": "host:N", "to": "host:M", "start_s", ...case keys...}], "schedule": ...}.
// `profile` (HostProfile's keys, as in a profile file) overrides `profile`, the base of
// every case. Every error is an InputError naming the file, the field and the value.
MigrationBatch read_migration_batch(const nlohmann::json& doc, const std::string& where,
                                    const models::HostProfile& profile = {});
// "as-given", "sequential", "shortest-first", {"max_per_link": K}, {"max_per_host": K}.
BatchSchedule parse_batch_schedule(const nlohmann::json& v, const std::string& field);
// The --schedule flag: the names above, "max_per_link:K", "max_per_host:K", or a JSON object.
BatchSchedule parse_batch_schedule_flag(const std::string& text, const std::string& flag);
std::string to_string(const BatchSchedule& s);

struct BatchOutcome {
  std::string name;
  int from = -1, to = -1;
  double start_s = 0.0;
  double end_s = 0.0;
  double total_time_ms = 0.0;
  double downtime_ms = 0.0;
  double transferred_bytes = 0.0;
  int dirty_syncs = 0;
  bool converged = false;
};

struct BatchResult {
  double makespan_s = 0.0;  // last end - first start
  bool converged_all = true;
  std::vector<BatchOutcome> migrations;  // in the batch's order
  long long milestones = 0;              // events: milestones reached
  long long rate_changes = 0;            // rates pushed to migrations in flight
};

BatchResult run_migration_batch(const MigrationBatch& batch);
nlohmann::json to_json(const BatchResult& r);

}  // namespace migsim::experiments
