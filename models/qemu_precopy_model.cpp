#include "models/qemu_precopy_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/dirty_page_model.hpp"

namespace migsim::models {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Pending pages in the migration bitmap, by what they are. Counts are fluid.
// The first pass walks RAM upwards: the non-zero low memory first, then the zero
// pages, then the non-zero tail at the top of RAM. Pages dirtied again are
// non-zero and are found (and sent) before the rest of the walk continues.
struct PendingPages {
  double zero = 0.0;        // all-zero pages (only before the first full pass)
  double still = 0.0;       // non-zero pages the workload does not write
  double recent = 0.0;      // WSS pages dirtied in the last sync interval
  double older = 0.0;       // other WSS pages (first pass, or dirtied earlier)
  double background = 0.0;  // pages the guest OS dirtied
  double tail = 0.0;        // non-zero pages at the top of RAM, reached after the zero pages

  double head() const { return still + recent + older + background; }
  double total() const { return head() + zero + tail; }
  // Share of zero pages among the next pages to be sent.
  double next_zero_share() const { return head() > 0.0 ? 0.0 : (zero > 0.0 ? 1.0 : 0.0); }
  // Pages left in the group the next page belongs to.
  double next_group() const { return head() > 0.0 ? head() : (zero > 0.0 ? zero : tail); }
  // Removes n pages in walk order: head (proportionally), then zero, then tail.
  void drain(double n) {
    const double h = head();
    const double from_head = std::min(n, h);
    if (h > 0.0) {
      const double f = from_head >= h ? 0.0 : (h - from_head) / h;
      still *= f;
      recent *= f;
      older *= f;
      background *= f;
    }
    n -= from_head;
    const double from_zero = std::min(n, zero);
    zero -= from_zero;
    n -= from_zero;
    tail = std::max(0.0, tail - n);
  }
};

// Why a ram_save_iterate chunk ended.
enum class ChunkEnd { RateLimited, MaxWait, Drained };

class PrecopySimulation {
 public:
  explicit PrecopySimulation(const MigrationScenario& sc)
      : sc_(sc),
        workload_(DirtyPageModel::for_workload(sc.workload, sc.host)),
        background_(DirtyPageModel::for_background(sc.host)),
        ram_pages_(sc.memory.ram_mib * kPagesPerMiB),
        window_budget_(sc.qemu.max_bandwidth_mibps > 0
                           ? sc.qemu.max_bandwidth_mibps * kMiB / 1000.0 * kRateWindowMs
                           : kInf),
        link_bytes_per_ms_(sc.host.link_mibps * kMiB / 1000.0),
        first_pass_bytes_per_ms_(
            (sc.host.first_pass_mibps > 0 ? std::min(sc.host.first_pass_mibps, sc.host.link_mibps)
                                          : sc.host.link_mibps) *
            kMiB / 1000.0),
        live_bytes_per_ms_(
            (sc.host.live_copy_mibps > 0 ? std::min(sc.host.live_copy_mibps, sc.host.link_mibps)
                                         : sc.host.link_mibps) *
            kMiB / 1000.0),
        sync_cost_ms_(sc.host.sync_ms_per_gib * sc.memory.ram_mib / 1024.0),
        horizon_ms_(sc.options.horizon_s * 1000.0) {}

  Prediction run();

 private:
  // migration_thread: setup, then the first dirty-bitmap sync (all pages dirty).
  void setup();
  // migration_bitmap_sync: fold the pages written since the last sync into the bitmap.
  void bitmap_sync();
  void maybe_throttle();
  // ram_save_iterate: send until the window budget, MAX_WAIT, or an empty bitmap.
  ChunkEnd send_chunk();
  void send_pages(double n, double per_page_bytes, double zero_share);
  // migration_update_counters: close the 100 ms window, measure, set the threshold.
  void close_window();
  // Skip whole windows that would repeat the last one exactly.
  void fast_forward();
  // migration_completion: stop the guest, final sync, unthrottled copy.
  void complete();
  void begin_iteration(bool stop_and_copy);
  void end_iteration();

  double pending_bytes() const { return pending_.total() * kPageBytes; }
  double zero_share() const { return pending_.next_zero_share(); }
  double wire_bytes_per_page(double zs) const {
    return zs * kZeroPageWireBytes + (1.0 - zs) * kNormalPageWireBytes;
  }
  // Time per page in the pre-copy passes (the first pass has its own ceiling) ...
  double ms_per_page(double zs) const {
    return ms_per_page_at(zs, out_.dirty_syncs <= 1 ? first_pass_bytes_per_ms_ : live_bytes_per_ms_);
  }
  // ... and in the stop-and-copy (vCPUs stopped, rate limit lifted: the link's speed).
  double ms_per_page_stopped(double zs) const { return ms_per_page_at(zs, link_bytes_per_ms_); }
  double ms_per_page_at(double zs, double bytes_per_ms) const {
    const double cpu_ns = zs * sc_.host.zero_page_ns + (1.0 - zs) * sc_.host.normal_page_ns;
    return cpu_ns / 1e6 + wire_bytes_per_page(zs) / bytes_per_ms;
  }

  const MigrationScenario& sc_;
  DirtyPageModel workload_;
  DirtyPageModel background_;
  double ram_pages_;
  double window_budget_;
  double link_bytes_per_ms_;
  double first_pass_bytes_per_ms_;
  double live_bytes_per_ms_;
  double sync_cost_ms_;
  double horizon_ms_;

  double now_ = 0.0;  // ms since the migrate command
  PendingPages pending_;

  // Rate-limit window (migration.c iteration_start_time / iteration_initial_bytes).
  double window_start_ = 0.0;
  double window_bytes_ = 0.0;
  double window_pages_ = 0.0;
  bool window_clean_ = true;     // no sync and no empty bitmap inside this window
  double threshold_bytes_ = 0.0;
  double last_bandwidth_ = 0.0;  // bytes per ms
  // The last closed window, when it was clean: the template for fast_forward.
  bool last_window_clean_ = false;
  double last_window_ms_ = 0.0;
  double last_window_bytes_ = 0.0;
  double last_window_pages_ = 0.0;

  // Dirty log.
  double last_sync_ms_ = 0.0;
  double prev_interval_writes_ = 0.0;

  // Auto-converge (ram.c RAMState period counters).
  double period_start_ms_ = 0.0;
  double period_dirty_pages_ = 0.0;
  double period_bytes_prev_ = 0.0;
  int dirty_rate_high_cnt_ = 0;
  double throttle_pct_ = 0.0;

  Prediction out_;
  IterationRecord current_;
};

void PrecopySimulation::begin_iteration(bool stop_and_copy) {
  current_ = IterationRecord{};
  current_.index = out_.dirty_syncs;
  current_.start_ms = now_;
  current_.dirty_pages_at_sync = pending_.total();
  current_.threshold_bytes = threshold_bytes_;
  current_.throttle_pct = throttle_pct_;
  current_.stop_and_copy = stop_and_copy;
}

void PrecopySimulation::end_iteration() {
  current_.duration_ms = now_ - current_.start_ms;
  ++out_.iterations;
  if (sc_.options.record_iterations) out_.iteration_log.push_back(current_);
}

void PrecopySimulation::setup() {
  now_ = sc_.host.setup_ms + sc_.host.setup_ms_per_gib * sc_.memory.ram_mib / 1024.0;
  out_.setup_time_ms = now_;
  // ram_save_setup: every page starts dirty; the first sync only starts dirty logging.
  const double nonzero = std::min(sc_.memory.nonzero_mib * kPagesPerMiB, ram_pages_);
  const double wss_nonzero = std::min(workload_.wss_pages(), nonzero);
  pending_.zero = ram_pages_ - nonzero;
  pending_.older = wss_nonzero;
  pending_.tail = std::clamp(sc_.memory.tail_nonzero_mib * kPagesPerMiB, 0.0, nonzero - wss_nonzero);
  pending_.still = nonzero - wss_nonzero - pending_.tail;
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

void PrecopySimulation::bitmap_sync() {
  ++out_.dirty_syncs;
  // Writes since the last sync, under the throttle that was in force over it.
  const double w = workload_.writes(last_sync_ms_, now_, throttle_pct_);
  const double dirty = workload_.distinct(w);
  double newly = 0.0;
  if (dirty > 0.0) {
    const double wss = workload_.wss_pages();
    const double hit_recent = pending_.recent * workload_.recent_overlap(prev_interval_writes_, w);
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
  prev_interval_writes_ = w;
  period_dirty_pages_ += std::max(0.0, newly);
  now_ += sync_cost_ms_;
  last_sync_ms_ = now_;
  window_clean_ = false;
  maybe_throttle();
}

void PrecopySimulation::maybe_throttle() {
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

void PrecopySimulation::send_pages(double n, double per_page_bytes, double zero_share) {
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

ChunkEnd PrecopySimulation::send_chunk() {
  // Pages go in walk order; a chunk may cross from one group (non-zero, zero,
  // top-of-RAM non-zero) to the next, each with its own cost per page.
  double elapsed = 0.0;
  for (;;) {
    const double zs = zero_share();
    const double per_page = wire_bytes_per_page(zs);
    const double per_ms = ms_per_page(zs);
    const double budget_left = window_budget_ - window_bytes_;
    const double n_budget = std::isinf(budget_left) ? kInf : std::max(0.0, budget_left) / per_page;
    const double n_time = std::max(0.0, kMaxWaitMs - elapsed) / per_ms;
    const double n_group = pending_.next_group();
    const double n = std::min({n_budget, n_time, n_group});
    send_pages(n, per_page, zs);
    elapsed += n * per_ms;
    if (n >= n_group && pending_.total() > 0.0 && n < n_budget && n < n_time) {
      window_clean_ = false;  // the mix changes inside this window
      continue;
    }
    now_ += elapsed;
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

void PrecopySimulation::close_window() {
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

void PrecopySimulation::fast_forward() {
  // Valid only at the start of a window that follows a clean one: the bitmap has not
  // been synced since, so every following window repeats it (same mix, same bytes,
  // same measured bandwidth, same threshold) until pending nears the threshold or
  // the walk reaches the next group of pages.
  if (!last_window_clean_ || window_bytes_ > 0.0 || now_ != window_start_) return;
  if (last_window_pages_ <= 0.0 || last_window_ms_ < kRateWindowMs) return;
  const double p = pending_.total();
  const double thr_pages = threshold_bytes_ / kPageBytes;
  const double by_threshold = std::floor((p - thr_pages) / last_window_pages_) - 1.0;
  const double by_drain = std::floor(pending_.next_group() / last_window_pages_) - 1.0;
  const double by_horizon = std::floor((horizon_ms_ - now_) / last_window_ms_);
  const double m = std::min({by_threshold, by_drain, by_horizon});
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

void PrecopySimulation::complete() {
  // migration_completion: vm_stop, then ram_save_complete syncs once more (so the sync
  // that decided to stop and this one both count) and sends everything left with the
  // rate limit lifted. Together they form the stop-and-copy round.
  const double downtime_start = now_;
  bitmap_sync();
  begin_iteration(true);
  double copy_ms = 0.0;
  double copy_bytes = 0.0;
  while (pending_.total() > 0.0) {
    const double zs = zero_share();
    const double n = pending_.next_group();
    const double per_page = wire_bytes_per_page(zs);
    copy_ms += n * ms_per_page_stopped(zs);
    copy_bytes += n * per_page;
    send_pages(n, per_page, zs);
  }
  out_.transferred_bytes += 8.0;
  out_.downtime_bytes = copy_bytes + 8.0;
  now_ += copy_ms + sc_.host.downtime_overhead_ms;
  end_iteration();
  out_.downtime_ms = now_ - downtime_start;
  out_.total_time_ms = now_;
  out_.converged = true;
}

Prediction PrecopySimulation::run() {
  out_.model = "qemu-precopy";
  setup();
  for (;;) {
    if (now_ >= horizon_ms_) {
      // Cancelled at the horizon: the guest keeps running on the source.
      end_iteration();
      out_.converged = false;
      out_.total_time_ms = now_;
      break;
    }
    // migration_iteration_run: ram_save_pending syncs only below the threshold.
    if (pending_bytes() < threshold_bytes_) {
      end_iteration();
      bitmap_sync();
      if (pending_bytes() < threshold_bytes_) {
        complete();
        break;
      }
      begin_iteration(false);
    } else if (pending_.total() <= 0.0) {
      end_iteration();
      complete();  // nothing pending before the first measurement (threshold still 0)
      break;
    }
    fast_forward();
    const ChunkEnd end = send_chunk();
    // migration_rate_limit: measure once the window is 100 ms old; when the budget is
    // spent, sleep until the window ends.
    if (end == ChunkEnd::RateLimited && now_ < window_start_ + kRateWindowMs) {
      now_ = window_start_ + kRateWindowMs;
    }
    if (now_ >= window_start_ + kRateWindowMs) close_window();
  }
  out_.final_throttle_pct = throttle_pct_;
  out_.mean_bandwidth_mibps = last_bandwidth_ * 1000.0 / kMiB;
  return out_;
}

}  // namespace

Prediction QemuPrecopyModel::predict(const MigrationScenario& scenario) const {
  return PrecopySimulation(scenario).run();
}

}  // namespace migsim::models
