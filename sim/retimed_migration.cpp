#include <algorithm>
#include <limits>

#include "sim/migration_process.hpp"

namespace migsim::sim {

namespace {

// A migration whose model only answers "how long at this rate": when its rate
// changes it is re-timed and the fraction left is finished at the new pace.
class RetimedMigration final : public MigrationProcess {
 public:
  RetimedMigration(const MigrationTimer& timer, MigrationRequest r, double t_s)
      : timer_(timer), req_(r), start_(t_s), progress_at_(t_s) {
    timing_ = timer_.time(req_);
    end_ = t_s + timing_.duration_s;
  }
  double next_milestone_s() const override { return done_ ? std::numeric_limits<double>::infinity() : end_; }
  void reach_milestone() override { done_ = true; }
  void advance_to(double /*t_s*/) override {}
  void set_rate_mbps(double t_s, double mbps) override {
    if (mbps == req_.link_mbps || done_) return;
    if (timing_.duration_s > 0) progress_ = std::min(1.0, progress_ + (t_s - progress_at_) / timing_.duration_s);
    progress_at_ = t_s;
    req_.link_mbps = mbps;
    timing_ = timer_.time(req_);  // the stop-and-copy runs at the rate of the end
    end_ = t_s + (1.0 - progress_) * timing_.duration_s;
    retimed_ = true;
  }
  double demand_mbps() const override { return std::numeric_limits<double>::infinity(); }
  bool finished() const override { return done_; }
  MigrationTiming timing() const override {
    MigrationTiming t = timing_;
    if (retimed_) t.duration_s = end_ - start_;
    return t;
  }

 private:
  const MigrationTimer& timer_;
  MigrationRequest req_;
  MigrationTiming timing_;
  double start_;
  double end_;
  double progress_ = 0.0;
  double progress_at_;
  bool done_ = false;
  bool retimed_ = false;
};

}  // namespace

double MigrationTimer::start_cap_mbps() const { return std::numeric_limits<double>::infinity(); }

std::unique_ptr<MigrationProcess> MigrationTimer::start(const MigrationRequest& r, double t_s) const {
  return std::make_unique<RetimedMigration>(*this, r, t_s);
}

}  // namespace migsim::sim
