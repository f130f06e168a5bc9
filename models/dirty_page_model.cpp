#include "models/dirty_page_model.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace migsim::models {

namespace {
// Distinct pages after w uniform writes over n pages.
double uniform_distinct(double w, double n) { return n <= 0.0 ? 0.0 : n * -std::expm1(-w / n); }
}  // namespace

DirtyPageModel::DirtyPageModel(DirtyPattern pattern, double wss_pages, double pages_per_sec,
                               std::vector<RatePoint> series, double hot_fraction,
                               double hot_write_share, Pacing pacing,
                               double max_write_pages_per_sec, double tlb_entries)
    : pattern_(pattern),
      wss_(std::max(0.0, wss_pages)),
      rate_(pages_per_sec),
      series_(std::move(series)),
      hot_pages_(wss_ * hot_fraction),
      cold_pages_(wss_ - wss_ * hot_fraction),
      hot_share_(hot_write_share),
      pacing_(pacing),
      max_rate_(max_write_pages_per_sec) {
  compute_logged_shares(tlb_entries);
}

void DirtyPageModel::compute_logged_shares(double n) {
  logged_hot_ = logged_cold_ = 1.0;
  if (n <= 0.0 || wss_ <= 0.0) return;
  // A direct-mapped TLB of n entries over a contiguous working set: a write is
  // logged when the page's entry was evicted since its last access, i.e. when the
  // slot was last used by another page. P(logged) = 1 - (page's rate / slot's rate).
  switch (pattern_) {
    case DirtyPattern::Sequential:
      // A cycle over more pages than entries evicts every entry before its reuse;
      // a cycle that fits keeps every entry: nothing is logged after the sync.
      logged_hot_ = wss_ > n ? 1.0 : 0.0;
      break;
    case DirtyPattern::Uniform: logged_hot_ = std::max(0.0, 1.0 - n / wss_); break;
    case DirtyPattern::HotCold: {
      const double rh = hot_pages_ > 0 ? hot_share_ / hot_pages_ : 0.0;   // per hot page
      const double rc = cold_pages_ > 0 ? (1.0 - hot_share_) / cold_pages_ : 0.0;
      const double hot_per_slot = std::max(1.0, hot_pages_ / n);
      const double cold_per_slot = cold_pages_ / n;
      const double hot_slot = hot_per_slot * rh + cold_per_slot * rc;
      // Cold pages share slots with hot ones in proportion min(1, hot/n).
      const double hot_cover = std::min(1.0, hot_pages_ / n);
      const double cold_slot = cold_per_slot * rc + hot_cover * hot_per_slot * rh;
      logged_hot_ = hot_slot > 0 ? 1.0 - rh / hot_slot : 1.0;
      logged_cold_ = cold_slot > 0 ? 1.0 - rc / cold_slot : 1.0;
      break;
    }
  }
}

DirtyPageModel DirtyPageModel::for_workload(const DirtyWorkload& w, const HostProfile& host) {
  return DirtyPageModel(w.pattern, w.wss_mib * kPagesPerMiB, w.pages_per_sec, w.series,
                        w.hot_fraction, w.hot_write_share, w.pacing,
                        host.guest_max_write_pages_per_sec, host.tcg_tlb_entries);
}

DirtyPageModel DirtyPageModel::for_background(const HostProfile& host) {
  return DirtyPageModel(DirtyPattern::Uniform, host.background_wss_mib * kPagesPerMiB,
                        host.background_dirty_pages_per_sec, {}, 0.0, 0.0, Pacing::CpuTime,
                        host.guest_max_write_pages_per_sec);
}

void DirtyPageModel::set_rate_from(double t_ms, double pages_per_sec) {
  if (series_.empty()) series_.push_back({0.0, rate_});
  const double t_s = std::max(t_ms / 1000.0, series_.back().t_s);
  if (t_s == series_.back().t_s) {
    series_.back().pages_per_sec = pages_per_sec;
  } else {
    series_.push_back({t_s, pages_per_sec});
  }
}

bool DirtyPageModel::idle() const {
  if (wss_ <= 0.0) return true;
  if (series_.empty()) return rate_ <= 0.0;
  return std::all_of(series_.begin(), series_.end(),
                     [](const RatePoint& p) { return p.pages_per_sec <= 0.0; });
}

double DirtyPageModel::effective_rate(double rate, double throttle_pct) const {
  const double run_share = 1.0 - throttle_pct / 100.0;
  if (pacing_ == Pacing::CpuTime) return rate * run_share;
  // Paced on the guest clock: it catches up after each throttled slice until the
  // CPU share left cannot sustain the rate.
  return std::min(rate, max_rate_ * run_share);
}

double DirtyPageModel::writes(double t0_ms, double t1_ms, double throttle_pct) const {
  if (t1_ms <= t0_ms || wss_ <= 0.0) return 0.0;
  if (series_.empty()) return effective_rate(rate_, throttle_pct) * (t1_ms - t0_ms) / 1000.0;
  double total = 0.0;
  const auto& s = series_;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const double seg0 = i == 0 ? -1e300 : s[i].t_s * 1000.0;
    const double seg1 = i + 1 < s.size() ? s[i + 1].t_s * 1000.0 : 1e300;
    const double a = std::max(seg0, t0_ms);
    const double b = std::min(seg1, t1_ms);
    if (b > a) total += effective_rate(s[i].pages_per_sec, throttle_pct) * (b - a) / 1000.0;
  }
  return total;
}

double DirtyPageModel::distinct(double w) const {
  if (w <= 0.0 || wss_ <= 0.0) return 0.0;
  switch (pattern_) {
    case DirtyPattern::Sequential: return logged_hot_ * std::min(w, wss_);
    case DirtyPattern::Uniform: return uniform_distinct(w * logged_hot_, wss_);
    case DirtyPattern::HotCold:
      return uniform_distinct(w * hot_share_ * logged_hot_, hot_pages_) +
             uniform_distinct(w * (1.0 - hot_share_) * logged_cold_, cold_pages_);
  }
  return 0.0;
}

double DirtyPageModel::recent_overlap(double prev_writes, double w) const {
  if (prev_writes <= 0.0 || w <= 0.0 || wss_ <= 0.0) return 0.0;
  switch (pattern_) {
    case DirtyPattern::Sequential: {
      const double dp = std::min(prev_writes, wss_);
      const double d = std::min(w, wss_);
      return std::clamp((dp + d - wss_) / dp, 0.0, 1.0);
    }
    case DirtyPattern::Uniform: return distinct(w) / wss_;
    case DirtyPattern::HotCold: {
      const double ph = uniform_distinct(prev_writes * hot_share_ * logged_hot_, hot_pages_);
      const double pc = uniform_distinct(prev_writes * (1.0 - hot_share_) * logged_cold_, cold_pages_);
      const double nh = uniform_distinct(w * hot_share_ * logged_hot_, hot_pages_);
      const double nc = uniform_distinct(w * (1.0 - hot_share_) * logged_cold_, cold_pages_);
      const double hit = (hot_pages_ > 0 ? ph * nh / hot_pages_ : 0.0) +
                         (cold_pages_ > 0 ? pc * nc / cold_pages_ : 0.0);
      return ph + pc > 0 ? hit / (ph + pc) : 0.0;
    }
  }
  return 0.0;
}

DirtyPageModel::DirtySet DirtyPageModel::dirty_set(double w) const {
  DirtySet s;
  s.writes = w;
  if (w <= 0.0 || wss_ <= 0.0) return s;
  switch (pattern_) {
    case DirtyPattern::Sequential: s.hot = logged_hot_ * std::min(w, wss_); break;
    case DirtyPattern::Uniform: s.hot = uniform_distinct(w * logged_hot_, wss_); break;
    case DirtyPattern::HotCold:
      s.hot = uniform_distinct(w * hot_share_ * logged_hot_, hot_pages_);
      s.cold = uniform_distinct(w * (1.0 - hot_share_) * logged_cold_, cold_pages_);
      break;
  }
  return s;
}

double DirtyPageModel::distinct(const DirtySet& s) const {
  if (s.writes <= 0.0 || wss_ <= 0.0) return 0.0;
  return pattern_ == DirtyPattern::HotCold ? s.hot + s.cold : s.hot;
}

double DirtyPageModel::recent_overlap(const DirtySet& prev, const DirtySet& next) const {
  if (prev.writes <= 0.0 || next.writes <= 0.0 || wss_ <= 0.0) return 0.0;
  switch (pattern_) {
    case DirtyPattern::Sequential: return recent_overlap(prev.writes, next.writes);
    case DirtyPattern::Uniform: return next.hot / wss_;
    case DirtyPattern::HotCold: {
      const double ph = prev.hot, pc = prev.cold, nh = next.hot, nc = next.cold;
      const double hit = (hot_pages_ > 0 ? ph * nh / hot_pages_ : 0.0) +
                         (cold_pages_ > 0 ? pc * nc / cold_pages_ : 0.0);
      return ph + pc > 0 ? hit / (ph + pc) : 0.0;
    }
  }
  return 0.0;
}

}  // namespace migsim::models
