#pragma once
#include <algorithm>

#include "models/dirty_page_model.hpp"
#include "models/precopy_types.hpp"

namespace migsim::models {

// QEMU 7.2's pre-copy migration thread (migration/migration.c migration_thread,
// migration/ram.c) as a process that advances in simulated time and can be
// resumed: the bandwidth its route gives it (`set_link_mibps`) and the guest's
// write rate (`set_dirty_pages_per_sec`) may change at any instant, also in the
// middle of a pass, of a rate-limit window or of the stop-and-copy, and QEMU's
// window measurement, threshold, syncs, auto-converge and stop-and-copy then see
// what the migration really got.
//  - 100 ms rate-limit windows carrying max-bandwidth/10 bytes each; the bandwidth
//    measured over a window sets threshold = bandwidth x downtime-limit;
//  - migration_iteration_run: the dirty bitmap is re-synced only when the pending
//    pages (zero pages counted at 4 KiB) fall below the threshold, and the
//    migration completes when they are still below it after the sync;
//  - pages are scanned in a circle; zero pages cost CPU time and 9 bytes, others
//    4104 bytes; ram_save_iterate yields every 50 ms (MAX_WAIT);
//  - the stop-and-copy ignores the rate limit and runs at the link's speed, but
//    pages the destination has never received go at the first-pass ceiling (it
//    faults in fresh RAM for each), there as in the pre-copy;
//  - auto-converge (migration_trigger_throttle): at a sync more than 1 s after the
//    period began, dirtied bytes > threshold% of transferred bytes, counted twice
//    (not necessarily in a row, as in 7.2), raises the vCPU throttle.
// Page counts are fluid (fractional); the walk keeps its place across syncs (the
// first walk's rest, then the pages dirtied again), and classes of pending pages
// (static, recently dirtied, older dirtied, background) drain in proportion.
//
// Times are ms since the migrate command. `advance(t)` runs everything up to t:
// transfers stop exactly at t; an instantaneous step that begins at t (a bitmap
// sync and its cost) may carry the clock past it; the completion (the downtime
// overhead after the last page) does not: it waits for an advance() that
// reaches the end, so the process is never finished before its end. Runs of
// identical rate-limit windows are skipped in one step (fast-forward), so a
// process whose rates do not change reaches its end in a few dozen steps.
// At a constant rate `run()` is QemuPrecopyModel::predict exactly.
class PrecopyProcess {
 public:
  explicit PrecopyProcess(MigrationScenario scenario);

  // Runs up to t_ms (or to the end: completion or the horizon).
  void advance(double t_ms);
  // Runs to the end at the current rates and returns the prediction.
  const Prediction& run();
  // Runs at the current rates until the guest is paused (the stop-and-copy
  // begins) or the migration ends without converging.
  void run_until_guest_stops();

  // From now, the route gives this many MiB/s (the host profile's link_mibps
  // until then); first-pass and live-copy ceilings of the profile still apply.
  void set_link_mibps(double mibps);
  // From now, the guest writes this many pages per second.
  void set_dirty_pages_per_sec(double pages_per_sec);

  double now_ms() const;
  bool finished() const { return phase_ == Phase::Done; }
  // The guest is paused (stop-and-copy in progress or done).
  bool guest_stopped() const { return phase_ != Phase::PreCopy; }
  // What it could send at most right now (MiB/s): max-bandwidth while the rate
  // limit holds, unbounded (+inf) during the stop-and-copy or when unlimited.
  double demand_mibps() const;

  // What happens if nothing changes from now: when the guest stops (the
  // stop-and-copy begins; +inf if it never does) and when the migration ends.
  struct Forecast {
    double stop_ms = 0.0;
    double end_ms = 0.0;
    bool converged = false;
    Prediction prediction;
  };
  Forecast forecast() const;

  // The outcome so far (final once finished()).
  const Prediction& result() const { return out_; }
  const MigrationScenario& scenario() const { return sc_; }

 private:
  enum class Phase { PreCopy, StopAndCopy, Done };
  // Where the pre-copy loop stands between two calls of advance().
  enum class Step { LoopTop, Ready, InChunk, Sleeping };
  // Why a ram_save_iterate chunk ended.
  enum class ChunkEnd { RateLimited, MaxWait, Drained, Interrupted };

  // Pending pages in the migration bitmap, by what they are. Counts are fluid.
  // The first pass walks RAM upwards: the non-zero low memory first, then the zero
  // pages, then the non-zero tail at the top of RAM. The walk goes on from where it
  // stands after a sync (ram.c keeps last_seen_block / last_page), so pages dirtied
  // again behind it wait until it has reached the end of RAM; once it has, the
  // pending pages are one mix and drain in proportion.
  struct PendingPages {
    double zero = 0.0;        // all-zero pages (only before the first full pass)
    double still = 0.0;       // non-zero pages the workload does not write
    double recent = 0.0;      // WSS pages dirtied in the last sync interval
    double older = 0.0;       // other WSS pages (first pass, or dirtied earlier)
    double background = 0.0;  // pages the guest OS dirtied
    double tail = 0.0;        // non-zero pages at the top of RAM, reached after the zero pages
    // Part of the head (still + recent + older + background) the first walk has
    // not reached yet: pages the destination has never received (as are the zero
    // and tail pages). A page dirtied while still pending stays unsent.
    double unsent_head = 0.0;

    double head() const { return still + recent + older + background; }
    double total() const { return head() + zero + tail; }
    // The first walk has not reached the end of RAM.
    bool walking() const { return unsent_head > 0.0 || zero > 0.0 || tail > 0.0; }
    // Share of zero pages among the next pages to be sent.
    double next_zero_share() const { return unsent_head > 0.0 ? 0.0 : (zero > 0.0 ? 1.0 : 0.0); }
    // Pages left in the group the next page belongs to.
    double next_group() const {
      return unsent_head > 0.0 ? unsent_head : (zero > 0.0 ? zero : (tail > 0.0 ? tail : head()));
    }
    // Share of never-sent pages among the next pages to be sent (0 or 1) ...
    double next_unsent_share() const { return walking() ? 1.0 : 0.0; }
    // ... and among all pending pages.
    double unsent_share() const {
      const double t = total();
      return t > 0.0 ? std::min(1.0, (unsent_head + zero + tail) / t) : 0.0;
    }
    // Removes n pages in walk order: the unsent head, the zero pages, the tail,
    // then the pages dirtied again (the head's groups shrink in proportion).
    void drain(double n);

   private:
    void drain_head(double n);
  };

  // migration_thread: setup, then the first dirty-bitmap sync (all pages dirty).
  void setup();
  // One pass of migration_iteration_run's decisions at the top of the loop;
  // false when the pre-copy is over (stop-and-copy begun, or cancelled).
  bool loop_top();
  // migration_bitmap_sync: fold the pages written since the last sync into the bitmap.
  void bitmap_sync();
  void maybe_throttle();
  // ram_save_iterate: send until the window budget, MAX_WAIT, an empty bitmap or t_limit.
  ChunkEnd send_chunk(double t_limit);
  void send_pages(double n, double per_page_bytes, double zero_share);
  // migration_update_counters: close the 100 ms window, measure, set the threshold.
  void close_window();
  // Skip whole windows that would repeat the last one exactly (not past t_limit).
  void fast_forward(double t_limit);
  // migration_completion: stop the guest, final sync; the unthrottled copy follows.
  void begin_stop_and_copy();
  // Done (converged or cancelled): the counters QEMU reports at the end.
  void finish();
  void stop_and_copy(double t_limit);
  void begin_iteration(bool stop_and_copy);
  void end_iteration();
  void set_link_rates(double link_mibps);

  double pending_bytes() const { return pending_.total() * kPageBytes; }
  double zero_share() const { return pending_.next_zero_share(); }
  double wire_bytes_per_page(double zs) const {
    return zs * kZeroPageWireBytes + (1.0 - zs) * kNormalPageWireBytes;
  }
  // Time per page. A page the destination has never received costs its first
  // touch there (the destination QEMU faults in fresh guest RAM): it goes at most
  // at the first-pass ceiling, in the pre-copy and in the stop-and-copy alike. A
  // page sent again goes at the later-pass ceiling while the guest runs and at the
  // link's speed once it is paused (rate limit lifted). `us` = share of unsent pages.
  double ms_per_page(double zs, double us) const {
    return us * ms_per_page_at(zs, first_pass_bytes_per_ms_) + (1.0 - us) * ms_per_page_at(zs, live_bytes_per_ms_);
  }
  double ms_per_page_stopped(double zs, double us) const {
    return us * ms_per_page_at(zs, first_pass_bytes_per_ms_) + (1.0 - us) * ms_per_page_at(zs, link_bytes_per_ms_);
  }
  double ms_per_page_at(double zs, double bytes_per_ms) const {
    const double cpu_ns = zs * sc_.host.zero_page_ns + (1.0 - zs) * sc_.host.normal_page_ns;
    return cpu_ns / 1e6 + wire_bytes_per_page(zs) / bytes_per_ms;
  }
  // What the path carried for the pending pages while the guest ran (bytes per ms,
  // CPU costs aside): max-bandwidth below it leaves the send buffer empty.
  double precopy_path_bytes_per_ms() const {
    const double us = pending_.unsent_share();
    return 1.0 / (us / first_pass_bytes_per_ms_ + (1.0 - us) / live_bytes_per_ms_);
  }

  MigrationScenario sc_;
  DirtyPageModel workload_;
  DirtyPageModel background_;
  double ram_pages_;
  double window_budget_;
  double link_bytes_per_ms_ = 0.0;
  double first_pass_bytes_per_ms_ = 0.0;
  double live_bytes_per_ms_ = 0.0;
  double sync_cost_ms_;
  double horizon_ms_;

  Phase phase_ = Phase::PreCopy;
  Step step_ = Step::LoopTop;
  double now_ = 0.0;  // ms since the migrate command
  PendingPages pending_;

  // The ram_save_iterate call in progress (Step::InChunk).
  double chunk_elapsed_ = 0.0;

  // Rate-limit window (migration.c iteration_start_time / iteration_initial_bytes).
  double window_start_ = 0.0;
  double window_bytes_ = 0.0;
  double window_pages_ = 0.0;
  bool window_clean_ = true;     // no sync, no empty bitmap, no rate change inside this window
  double threshold_bytes_ = 0.0;
  double last_bandwidth_ = 0.0;  // bytes per ms
  // The last closed window, when it was clean: the template for fast_forward.
  bool last_window_clean_ = false;
  double last_window_ms_ = 0.0;
  double last_window_bytes_ = 0.0;
  double last_window_pages_ = 0.0;

  // Dirty log.
  double last_sync_ms_ = 0.0;
  DirtyPageModel::DirtySet prev_interval_;  // the last interval's writes and what they dirtied

  // Auto-converge (ram.c RAMState period counters).
  double period_start_ms_ = 0.0;
  double period_dirty_pages_ = 0.0;
  double period_bytes_prev_ = 0.0;
  int dirty_rate_high_cnt_ = 0;
  double throttle_pct_ = 0.0;

  // The stop-and-copy in progress.
  double downtime_start_ = 0.0;
  double copy_ms_ = 0.0;
  double copy_bytes_ = 0.0;
  double send_buffer_free_bytes_ = 0.0;  // stop-and-copy bytes the socket takes without link time

  Prediction out_;
  IterationRecord current_;
  bool pause_at_stop_ = false;  // run_until_guest_stops() in progress
};

}  // namespace migsim::models
