#pragma once
#include "models/precopy_types.hpp"

namespace migsim::models {

// How a workload's page writes turn into dirty pages, as the dirty bitmap sees
// them: writes over an interval (rate, time series, throttling, pacing) and the
// DISTINCT pages they touch (the saturating curve calc-dirty-rate measures).
class DirtyPageModel {
 public:
  DirtyPageModel(DirtyPattern pattern, double wss_pages, double pages_per_sec,
                 std::vector<RatePoint> series, double hot_fraction,
                 double hot_write_share, Pacing pacing, double max_write_pages_per_sec,
                 double tlb_entries = 0.0);
  static DirtyPageModel for_workload(const DirtyWorkload& w, const HostProfile& host);
  static DirtyPageModel for_background(const HostProfile& host);

  // Page writes between t0 and t1 (ms since the migration started) while the
  // vCPUs are throttled by `throttle_pct` over the whole interval.
  double writes(double t0_ms, double t1_ms, double throttle_pct) const;
  // Distinct pages touched by `writes` page writes (starting from a clean bitmap),
  // as the dirty log sees them (see HostProfile::tcg_tlb_entries).
  double distinct(double writes) const;
  // Share of the previous interval's dirty set (made by `prev_writes`) that the
  // next interval's `writes` touch again. Sequential cycles only overlap once
  // the two intervals together wrap around the WSS.
  double recent_overlap(double prev_writes, double writes) const;
  double wss_pages() const { return wss_; }

  // The pages one sync interval's writes dirty, with the parts recent_overlap
  // needs, so that the next interval's overlap does not compute them again:
  // distinct(set(w)) == distinct(w), and recent_overlap(set(p), set(w)) ==
  // recent_overlap(p, w), bit for bit.
  struct DirtySet {
    double writes = 0.0;
    double hot = 0.0;   // HotCold: distinct hot pages; Sequential, Uniform: all distinct pages
    double cold = 0.0;  // HotCold: distinct cold pages
  };
  DirtySet dirty_set(double writes) const;
  double distinct(const DirtySet& s) const;
  double recent_overlap(const DirtySet& prev, const DirtySet& next) const;
  // From `t_ms` on, the workload writes `pages_per_sec` (its trace moved on).
  // Times before the last change are not rewritten: t_ms is clamped to it.
  void set_rate_from(double t_ms, double pages_per_sec);
  bool idle() const;

 private:
  double effective_rate(double rate, double throttle_pct) const;
  // Share of hot / cold / (uniform, sequential: all) writes that miss the TCG TLB
  // and are therefore logged.
  void compute_logged_shares(double tlb_entries);

  DirtyPattern pattern_;
  double wss_;
  double rate_;
  std::vector<RatePoint> series_;  // empty: the constant rate_
  double hot_pages_;
  double cold_pages_;
  double hot_share_;
  Pacing pacing_;
  double max_rate_;
  double logged_hot_ = 1.0;   // HotCold hot set; Uniform and Sequential: all writes
  double logged_cold_ = 1.0;  // HotCold cold set
};

}  // namespace migsim::models
