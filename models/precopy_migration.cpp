#include "models/precopy_migration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace migsim::models {

sim::MigrationTiming timing_of(const Prediction& p) {
  sim::MigrationTiming t;
  t.converged = p.converged;
  t.duration_s = p.total_time_ms / 1000.0;
  t.downtime_s = p.converged ? p.downtime_ms / 1000.0 : 0.0;
  t.transferred_bytes = p.transferred_bytes;
  t.dirty_syncs = p.dirty_syncs;
  return t;
}

PrecopyMigration::PrecopyMigration(MigrationScenario sc, double start_s)
    : process_(std::move(sc)), start_s_(start_s) {
  refresh();
}

void PrecopyMigration::refresh() {
  if (!process_.finished()) forecast_ = process_.forecast();
}

bool PrecopyMigration::pause_next() const {
  // The pause is a milestone only where it changes what the migration can use:
  // QEMU's rate limit is lifted (unlimited: nothing changes, no event).
  return !process_.guest_stopped() && forecast_.converged && std::isfinite(process_.demand_mibps());
}

double PrecopyMigration::next_milestone_s() const {
  if (process_.finished()) return std::numeric_limits<double>::infinity();
  return start_s_ + (pause_next() ? forecast_.stop_ms : forecast_.end_ms) / 1000.0;
}

void PrecopyMigration::reach_milestone() {
  if (pause_next()) {
    process_.run_until_guest_stops();
  } else {
    process_.run();
  }
  refresh();
}

void PrecopyMigration::advance_to(double t_s) {
  double t_ms = (t_s - start_s_) * 1000.0;
  if (t_s < next_milestone_s()) {
    // Not due yet: stay short of the milestone even where s -> ms rounds onto it.
    const double m_ms = pause_next() ? forecast_.stop_ms : forecast_.end_ms;
    t_ms = std::min(t_ms, std::nextafter(m_ms, -std::numeric_limits<double>::infinity()));
  }
  process_.advance(t_ms);
}

void PrecopyMigration::set_rate_mbps(double t_s, double mbps) {
  const double mibps = mibps_of_mbps(mbps);
  if (mibps == process_.scenario().host.link_mibps || process_.finished()) return;
  advance_to(t_s);
  process_.set_link_mibps(mibps);
  refresh();
}

void PrecopyMigration::set_dirty_pages_per_sec(double t_s, double pages_per_sec) {
  if (process_.finished()) return;
  advance_to(t_s);
  process_.set_dirty_pages_per_sec(pages_per_sec);
  refresh();
}

double PrecopyMigration::demand_mbps() const { return mbps_of_mibps(process_.demand_mibps()); }

sim::MigrationTiming PrecopyMigration::timing() const {
  return timing_of(process_.finished() ? process_.result() : forecast_.prediction);
}

}  // namespace migsim::models
