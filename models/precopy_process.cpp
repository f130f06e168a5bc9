#include "models/precopy_process.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace migsim::models {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
double bytes_per_ms(double mibps) { return mibps * kMiB / 1000.0; }
}  // namespace

void PrecopyProcess::PendingPages::drain_head(double n) {
  const double h = head();
  if (h <= 0.0 || n <= 0.0) return;
  const double f = n >= h ? 0.0 : (h - n) / h;
  still *= f;
  recent *= f;
  older *= f;
  background *= f;
}

void PrecopyProcess::PendingPages::drain(double n) {
  const double from_unsent = std::min(n, unsent_head);
  drain_head(from_unsent);
  unsent_head = from_unsent >= unsent_head ? 0.0 : unsent_head - from_unsent;
  n -= from_unsent;
  const double from_zero = std::min(n, zero);
  zero -= from_zero;
  n -= from_zero;
  const double from_tail = std::min(n, tail);
  tail -= from_tail;
  n -= from_tail;
  drain_head(n);
}

PrecopyProcess::PrecopyProcess(MigrationScenario scenario)
    : sc_(std::move(scenario)),
      workload_(DirtyPageModel::for_workload(sc_.workload, sc_.host)),
      background_(DirtyPageModel::for_background(sc_.host)),
      ram_pages_(sc_.memory.ram_mib * kPagesPerMiB),
      window_budget_(sc_.qemu.max_bandwidth_mibps > 0
                         ? sc_.qemu.max_bandwidth_mibps * kMiB / 1000.0 * kRateWindowMs
                         : kInf),
      sync_cost_ms_(sc_.host.sync_ms_per_gib * sc_.memory.ram_mib / 1024.0),
      horizon_ms_(sc_.options.horizon_s * 1000.0) {
  set_link_rates(sc_.host.link_mibps);
  out_.model = "qemu-precopy";
  setup();
}

void PrecopyProcess::set_link_rates(double link_mibps) {
  sc_.host.link_mibps = link_mibps;
  const auto& h = sc_.host;
  link_bytes_per_ms_ = bytes_per_ms(h.link_mibps);
  first_pass_bytes_per_ms_ =
      bytes_per_ms(h.first_pass_mibps > 0 ? std::min(h.first_pass_mibps, h.link_mibps) : h.link_mibps);
  live_bytes_per_ms_ =
      bytes_per_ms(h.live_copy_mibps > 0 ? std::min(h.live_copy_mibps, h.link_mibps) : h.link_mibps);
}

void PrecopyProcess::set_link_mibps(double mibps) {
  if (mibps == sc_.host.link_mibps || finished()) return;
  set_link_rates(mibps);
  // The windows from here on measure another rate: none of them repeats the last.
  window_clean_ = false;
  last_window_clean_ = false;
}

void PrecopyProcess::set_dirty_pages_per_sec(double pages_per_sec) {
  if (finished()) return;
  workload_.set_rate_from(now_ms(), pages_per_sec);
}

double PrecopyProcess::now_ms() const {
  if (phase_ == Phase::StopAndCopy) return now_ + copy_ms_;
  if (step_ == Step::InChunk) return now_ + chunk_elapsed_;
  return now_;
}

double PrecopyProcess::demand_mibps() const {
  if (phase_ == Phase::Done) return 0.0;
  if (phase_ == Phase::PreCopy && sc_.qemu.max_bandwidth_mibps > 0) return sc_.qemu.max_bandwidth_mibps;
  return kInf;
}

void PrecopyProcess::begin_iteration(bool stop_and_copy) {
  current_ = IterationRecord{};
  current_.index = out_.dirty_syncs;
  current_.start_ms = now_;
  current_.dirty_pages_at_sync = pending_.total();
  current_.threshold_bytes = threshold_bytes_;
  current_.throttle_pct = throttle_pct_;
  current_.stop_and_copy = stop_and_copy;
}

void PrecopyProcess::end_iteration() {
  current_.duration_ms = now_ - current_.start_ms;
  ++out_.iterations;
  if (sc_.options.record_iterations) out_.iteration_log.push_back(current_);
}

void PrecopyProcess::bitmap_sync() {
  ++out_.dirty_syncs;
  // Writes since the last sync, under the throttle that was in force over it.
  const double w = workload_.writes(last_sync_ms_, now_, throttle_pct_);
  const DirtyPageModel::DirtySet set = workload_.dirty_set(w);
  const double dirty = workload_.distinct(set);
  double newly = 0.0;
  if (dirty > 0.0) {
    const double wss = workload_.wss_pages();
    const double hit_recent = pending_.recent * workload_.recent_overlap(prev_interval_, set);
    const double hit_older = pending_.older * std::min(1.0, dirty / wss);
    newly = dirty - hit_recent - hit_older;
    pending_.older += pending_.recent - hit_recent - hit_older;
    pending_.recent = dirty;
  } else {
    pending_.older += pending_.recent;
    pending_.recent = 0.0;
  }
  const double wb = background_.writes(last_sync_ms_, now_, throttle_pct_);
  const double bg_dirty = background_.distinct(wb);
  if (bg_dirty > 0.0) {
    const double bg_hit = pending_.background * std::min(1.0, bg_dirty / background_.wss_pages());
    pending_.background += bg_dirty - bg_hit;
    newly += bg_dirty - bg_hit;
  }
  prev_interval_ = set;
  period_dirty_pages_ += std::max(0.0, newly);
  now_ += sync_cost_ms_;
  last_sync_ms_ = now_;
  window_clean_ = false;
  maybe_throttle();
}

void PrecopyProcess::maybe_throttle() {
  // ram.c migration_bitmap_sync: only once more than a second has passed.
  if (!(now_ > period_start_ms_ + 1000.0)) return;
  const auto& q = sc_.qemu;
  if (q.auto_converge) {
    const double bytes_xfer = out_.transferred_bytes - period_bytes_prev_;
    const double bytes_dirty = period_dirty_pages_ * kPageBytes;
    const double bytes_dirty_threshold = bytes_xfer * q.throttle_trigger_threshold_pct / 100.0;
    if (bytes_dirty > bytes_dirty_threshold && ++dirty_rate_high_cnt_ >= 2) {
      dirty_rate_high_cnt_ = 0;
      if (throttle_pct_ <= 0.0) {
        throttle_pct_ = q.cpu_throttle_initial_pct;
      } else {
        double inc = q.cpu_throttle_increment_pct;
        if (q.cpu_throttle_tailslow) {
          const double cpu_now = 100.0 - throttle_pct_;
          const double cpu_ideal = std::floor(cpu_now * (bytes_dirty_threshold / bytes_dirty));
          inc = std::min(cpu_now - cpu_ideal, inc);
        }
        throttle_pct_ = std::min(throttle_pct_ + inc, q.max_cpu_throttle_pct);
      }
    }
  }
  period_start_ms_ = now_;
  period_dirty_pages_ = 0.0;
  period_bytes_prev_ = out_.transferred_bytes;
}

void PrecopyProcess::send_pages(double n, double per_page_bytes, double zero_share) {
  const double p = pending_.total();
  if (n <= 0.0 || p <= 0.0) return;
  n = std::min(n, p);
  pending_.drain(n);
  if (n >= p) pending_ = PendingPages{};
  const double bytes = n * per_page_bytes;
  out_.transferred_bytes += bytes;
  out_.zero_pages += n * zero_share;
  out_.normal_pages += n * (1.0 - zero_share);
  window_bytes_ += bytes;
  window_pages_ += n;
  current_.pages_sent += n;
  current_.zero_pages_sent += n * zero_share;
  current_.bytes_sent += bytes;
}

void PrecopyProcess::close_window() {
  const double span = now_ - window_start_;
  if (span <= 0.0) return;
  last_bandwidth_ = window_bytes_ / span;
  threshold_bytes_ = last_bandwidth_ * sc_.qemu.downtime_limit_ms;
  last_window_clean_ = window_clean_;
  last_window_ms_ = span;
  last_window_bytes_ = window_bytes_;
  last_window_pages_ = window_pages_;
  window_start_ = now_;
  window_bytes_ = 0.0;
  window_pages_ = 0.0;
  window_clean_ = true;
}

void PrecopyProcess::setup() {
  now_ = sc_.host.setup_ms + sc_.host.setup_ms_per_gib * sc_.memory.ram_mib / 1024.0;
  out_.setup_time_ms = now_;
  // ram_save_setup: every page starts dirty; the first sync only starts dirty logging.
  const double nonzero = std::min(sc_.memory.nonzero_mib * kPagesPerMiB, ram_pages_);
  const double wss_nonzero = std::min(workload_.wss_pages(), nonzero);
  pending_.zero = ram_pages_ - nonzero;
  pending_.older = wss_nonzero;
  pending_.tail = std::clamp(sc_.memory.tail_nonzero_mib * kPagesPerMiB, 0.0, nonzero - wss_nonzero);
  pending_.still = nonzero - wss_nonzero - pending_.tail;
  pending_.unsent_head = pending_.head();
  // ram_init_bitmaps' sync only starts the dirty log: it costs nothing measurable
  // (QEMU reports setup-time 0-2 ms at 256 MiB-2 GiB), unlike the later syncs.
  ++out_.dirty_syncs;
  last_sync_ms_ = now_;
  period_start_ms_ = now_;
  // The first rate-limit window (migration_thread starts it before the setup)
  // holds the setup: it must not serve as the template of fast_forward.
  window_clean_ = false;
  begin_iteration(false);
}

PrecopyProcess::ChunkEnd PrecopyProcess::send_chunk(double t_limit) {
  // Pages go in walk order; a chunk may cross from one group (non-zero, zero,
  // top-of-RAM non-zero) to the next, each with its own cost per page. A chunk
  // cut at t_limit goes on from where it stood at the next advance().
  double elapsed = chunk_elapsed_;
  for (;;) {
    const double zs = zero_share();
    const double per_page = wire_bytes_per_page(zs);
    const double per_ms = ms_per_page(zs, pending_.next_unsent_share());
    const double budget_left = window_budget_ - window_bytes_;
    const double n_budget = std::isinf(budget_left) ? kInf : std::max(0.0, budget_left) / per_page;
    const double n_time = std::max(0.0, kMaxWaitMs - elapsed) / per_ms;
    const double n_group = pending_.next_group();
    const double n_limit = std::isinf(t_limit) ? kInf : std::max(0.0, t_limit - (now_ + elapsed)) / per_ms;
    const double n = std::min({n_budget, n_time, n_group, n_limit});
    send_pages(n, per_page, zs);
    elapsed += n * per_ms;
    if (n >= n_limit && n < n_budget && n < n_time && n < n_group) {
      chunk_elapsed_ = elapsed;
      return ChunkEnd::Interrupted;
    }
    if (n >= n_group && pending_.total() > 0.0 && n < n_budget && n < n_time) {
      window_clean_ = false;  // the mix changes inside this window
      continue;
    }
    now_ += elapsed;
    chunk_elapsed_ = 0.0;
    // ram_save_iterate ends every call with an 8-byte EOS marker.
    out_.transferred_bytes += 8.0;
    window_bytes_ += 8.0;
    if (pending_.total() <= 0.0) {
      window_clean_ = false;
      return ChunkEnd::Drained;
    }
    return n >= n_budget ? ChunkEnd::RateLimited : ChunkEnd::MaxWait;
  }
}

void PrecopyProcess::fast_forward(double t_limit) {
  // Valid only at the start of a window that follows a clean one: the bitmap has not
  // been synced since, so every following window repeats it (same mix, same bytes,
  // same measured bandwidth, same threshold) until pending nears the threshold or
  // the walk reaches the next group of pages.
  if (!last_window_clean_ || window_bytes_ > 0.0 || now_ != window_start_) return;
  if (last_window_pages_ <= 0.0 || last_window_ms_ < kRateWindowMs) return;
  // m = min(by_threshold, by_drain, by_horizon, by_limit); each bound below 1 ends it early.
  const double p = pending_.total();
  const double thr_pages = threshold_bytes_ / kPageBytes;
  const double by_threshold = std::floor((p - thr_pages) / last_window_pages_) - 1.0;
  if (!(by_threshold >= 1.0)) return;
  const double by_drain = std::floor(pending_.next_group() / last_window_pages_) - 1.0;
  if (!(by_drain >= 1.0)) return;
  const double by_horizon = std::floor((horizon_ms_ - now_) / last_window_ms_);
  if (!(by_horizon >= 1.0)) return;
  const double by_limit = std::isinf(t_limit) ? kInf : std::floor((t_limit - now_) / last_window_ms_);
  const double m = std::min({by_threshold, by_drain, by_horizon, by_limit});
  if (m < 1.0) return;
  const double zs = zero_share();
  const double sent = m * last_window_pages_;
  const double bytes = m * last_window_bytes_;
  pending_.drain(sent);
  out_.transferred_bytes += bytes;
  out_.zero_pages += sent * zs;
  out_.normal_pages += sent * (1.0 - zs);
  current_.pages_sent += sent;
  current_.zero_pages_sent += sent * zs;
  current_.bytes_sent += bytes;
  now_ += m * last_window_ms_;
  window_start_ = now_;
}

void PrecopyProcess::begin_stop_and_copy() {
  // migration_completion: vm_stop, then ram_save_complete syncs once more (so the sync
  // that decided to stop and this one both count) and sends everything left with the
  // rate limit lifted. Together they form the stop-and-copy round.
  downtime_start_ = now_;
  const double cap = sc_.qemu.max_bandwidth_mibps;
  send_buffer_free_bytes_ = sc_.host.send_buffer_mib > 0 && cap > 0 && bytes_per_ms(cap) < precopy_path_bytes_per_ms()
                                ? sc_.host.send_buffer_mib * kMiB
                                : 0.0;
  bitmap_sync();
  begin_iteration(true);
  copy_ms_ = 0.0;
  copy_bytes_ = 0.0;
  phase_ = Phase::StopAndCopy;
}

void PrecopyProcess::stop_and_copy(double t_limit) {
  while (pending_.total() > 0.0) {
    const double zs = zero_share();
    double n = pending_.next_group();
    const double per_page = wire_bytes_per_page(zs);
    // Pages the empty send buffer takes at once (see HostProfile::send_buffer_mib).
    if (send_buffer_free_bytes_ > 0.0) {
      const double buffered = std::min(n, send_buffer_free_bytes_ / per_page);
      send_buffer_free_bytes_ -= buffered * per_page;
      copy_bytes_ += buffered * per_page;
      send_pages(buffered, per_page, zs);
      n -= buffered;
      if (n <= 0.0) continue;
    }
    const double ms = ms_per_page_stopped(zs, pending_.next_unsent_share());
    bool cut = false;
    if (!std::isinf(t_limit)) {
      const double n_limit = std::max(0.0, t_limit - (now_ + copy_ms_)) / ms;
      if (n_limit < n) {
        n = n_limit;
        cut = true;
      }
    }
    copy_ms_ += n * ms;
    copy_bytes_ += n * per_page;
    send_pages(n, per_page, zs);
    if (cut) return;
  }
  // The completion ends after t_limit: it finishes at a later advance().
  if (now_ + (copy_ms_ + sc_.host.downtime_overhead_ms) > t_limit) return;
  out_.transferred_bytes += 8.0;
  out_.downtime_bytes = copy_bytes_ + 8.0;
  now_ += copy_ms_ + sc_.host.downtime_overhead_ms;
  copy_ms_ = 0.0;
  end_iteration();
  out_.downtime_ms = now_ - downtime_start_;
  out_.total_time_ms = now_;
  out_.converged = true;
  finish();
}

void PrecopyProcess::finish() {
  phase_ = Phase::Done;
  out_.final_throttle_pct = throttle_pct_;
  out_.mean_bandwidth_mibps = last_bandwidth_ * 1000.0 / kMiB;
}

bool PrecopyProcess::loop_top() {
  if (now_ >= horizon_ms_) {
    // Cancelled at the horizon: the guest keeps running on the source.
    end_iteration();
    out_.converged = false;
    out_.total_time_ms = now_;
    finish();
    return false;
  }
  // migration_iteration_run: ram_save_pending syncs only below the threshold.
  if (pending_bytes() < threshold_bytes_) {
    end_iteration();
    bitmap_sync();
    if (pending_bytes() < threshold_bytes_) {
      begin_stop_and_copy();
      return false;
    }
    begin_iteration(false);
  } else if (pending_.total() <= 0.0) {
    end_iteration();
    begin_stop_and_copy();  // nothing pending before the first measurement (threshold still 0)
    return false;
  }
  return true;
}

void PrecopyProcess::advance(double t_limit) {
  while (phase_ != Phase::Done) {
    if (phase_ == Phase::StopAndCopy) {
      if (!pause_at_stop_) stop_and_copy(t_limit);
      return;
    }
    switch (step_) {
      case Step::LoopTop:
        if (!loop_top()) break;
        step_ = Step::Ready;
        [[fallthrough]];
      case Step::Ready:
        if (now_ >= t_limit) return;  // decided; the chunk starts at the next advance()
        fast_forward(t_limit);
        step_ = Step::InChunk;
        chunk_elapsed_ = 0.0;
        [[fallthrough]];
      case Step::InChunk: {
        const ChunkEnd end = send_chunk(t_limit);
        if (end == ChunkEnd::Interrupted) return;
        step_ = end == ChunkEnd::RateLimited && now_ < window_start_ + kRateWindowMs ? Step::Sleeping
                                                                                     : Step::LoopTop;
        if (step_ == Step::LoopTop) {
          if (now_ >= window_start_ + kRateWindowMs) close_window();
          break;
        }
        [[fallthrough]];
      }
      case Step::Sleeping:
        // migration_rate_limit: the budget is spent; sleep until the window ends.
        if (window_start_ + kRateWindowMs > t_limit) {
          now_ = std::max(now_, t_limit);
          return;
        }
        now_ = window_start_ + kRateWindowMs;
        close_window();
        step_ = Step::LoopTop;
        break;
    }
  }
}

const Prediction& PrecopyProcess::run() {
  advance(kInf);
  return out_;
}

void PrecopyProcess::run_until_guest_stops() {
  pause_at_stop_ = true;
  advance(kInf);
  pause_at_stop_ = false;
}

PrecopyProcess::Forecast PrecopyProcess::forecast() const {
  PrecopyProcess ahead(*this);
  Forecast f;
  f.prediction = ahead.run();
  f.converged = f.prediction.converged;
  f.stop_ms = guest_stopped() || f.converged ? ahead.downtime_start_ : kInf;
  f.end_ms = ahead.now_;
  return f;
}

}  // namespace migsim::models
