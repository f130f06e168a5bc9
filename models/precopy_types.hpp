#pragma once
// Inputs and outputs of a single pre-copy migration prediction.
// Defaults of QemuMigrationParams are QEMU 7.2's (migration/migration.c).
#include <string>
#include <utility>
#include <vector>

namespace migsim::models {

inline constexpr double kPageBytes = 4096.0;
inline constexpr double kMiB = 1048576.0;
inline constexpr double kPagesPerMiB = kMiB / kPageBytes;  // 256
// Bytes on the wire per page (migration/ram.c, same RAM block as the previous page):
// 8-byte header (offset|flags) + 4096 bytes, or + 1 byte for a zero page.
inline constexpr double kNormalPageWireBytes = 8.0 + kPageBytes;
inline constexpr double kZeroPageWireBytes = 8.0 + 1.0;
// migration.c BUFFER_DELAY: rate-limit and bandwidth-measurement window.
inline constexpr double kRateWindowMs = 100.0;
// ram.c MAX_WAIT: ram_save_iterate returns after this long so the pending size is re-checked.
inline constexpr double kMaxWaitMs = 50.0;

// QEMU migration parameters (query-migrate-parameters / migrate-set-parameters).
struct QemuMigrationParams {
  double max_bandwidth_mibps = 128.0;  // MAX_THROTTLE; <= 0 means unlimited (libvirt's default)
  double downtime_limit_ms = 300.0;    // DEFAULT_MIGRATE_SET_DOWNTIME
  bool auto_converge = false;
  double throttle_trigger_threshold_pct = 50.0;
  double cpu_throttle_initial_pct = 20.0;
  double cpu_throttle_increment_pct = 10.0;
  double max_cpu_throttle_pct = 99.0;
  bool cpu_throttle_tailslow = false;
};

// The guest's memory at the moment the migration starts.
struct GuestMemory {
  double ram_mib = 0.0;      // guest RAM (the pages migrated)
  double nonzero_mib = 0.0;  // pages that are not all zero (sent as 4 KiB; the rest as a flag)
  // Part of nonzero_mib that sits at the TOP of RAM (Linux's memblock allocates
  // top-down: the struct-page array, ~16 MiB per GiB, lives there). The first pass
  // walks RAM upwards (ram_find_and_save_block), so these pages come after the zero
  // pages, last; with a small threshold they are left for the stop-and-copy.
  double tail_nonzero_mib = 0.0;
};

enum class DirtyPattern { Sequential, Uniform, HotCold };
// How the guest's writes react to auto-converge throttling:
// CpuTime  - work per CPU time: the write rate falls with the throttle (QEMU's assumption);
// WallClock - paced on the guest clock: the guest catches up after each throttled slice,
//             so the rate only falls once the remaining CPU share cannot sustain it.
enum class Pacing { CpuTime, WallClock };

// A point of a piecewise-constant write-rate series: from `t_s` seconds after the
// migration starts, the workload writes `pages_per_sec`.
struct RatePoint {
  double t_s = 0.0;
  double pages_per_sec = 0.0;
};

// The dirtying workload: page writes per second spread over a writable working set.
struct DirtyWorkload {
  DirtyPattern pattern = DirtyPattern::Sequential;
  double wss_mib = 0.0;
  double pages_per_sec = 0.0;       // page writes per second (not distinct pages)
  std::vector<RatePoint> series;    // if non-empty, replaces pages_per_sec
  double hot_fraction = 0.1;        // HotCold: share of the WSS that is hot
  double hot_write_share = 0.9;     // HotCold: share of the writes that go to the hot set
  Pacing pacing = Pacing::CpuTime;
};

// What the host and hypervisor cost: the parameters a user may calibrate from real
// migrations (`migsim calibrate`). Defaults are generic; validation/ ships a profile
// measured on TCG + loopback.
struct HostProfile {
  double link_mibps = 1192.0;            // unthrottled path speed (10 Gbit/s); caps every pass
  // Copy speed ceiling of the pages the destination has never received (the
  // first walk's: its QEMU faults in fresh guest RAM for each, and on a shared
  // host the source's vCPU threads compete), in the pre-copy and in the
  // stop-and-copy alike. Pages sent again run at live_copy_mibps / link_mibps.
  // 0 = no extra ceiling (link_mibps).
  double first_pass_mibps = 0.0;
  // Copy speed ceiling of the later pre-copy passes (the guest still runs and its
  // vCPU threads compete with the migration thread for the host's cores). The
  // stop-and-copy (vCPUs stopped) runs at link_mibps. 0 = no extra ceiling.
  double live_copy_mibps = 0.0;
  // QEMU 7.2 under TCG: migration_bitmap_sync's fast path
  // (cpu_physical_memory_sync_dirty_bitmap, include/exec/ram_addr.h) clears the
  // dirty words without tlb_reset_dirty_range_all(), so a guest write is only
  // logged when its vCPU's softmmu TLB entry is (re)filled. A working set that
  // stays in the (direct-mapped) TLB dirties nothing the migration sees. This is
  // the TLB's entry count; 0 = every write is logged (KVM, or later QEMU).
  double tcg_tlb_entries = 0.0;
  double setup_ms = 5.0;                 // setup-time: fixed part
  double setup_ms_per_gib = 0.0;         // setup-time: per GiB of RAM
  double zero_page_ns = 60.0;            // CPU time to scan and flag one zero page
  double normal_page_ns = 0.0;           // CPU time per normal page beyond its wire time
  double sync_ms_per_gib = 0.5;          // one dirty-bitmap sync, per GiB of RAM
  double downtime_overhead_ms = 5.0;     // stop vCPUs, device state, completion bookkeeping
  // The source's TCP send buffer (Linux: net.ipv4.tcp_wmem max, 4 MiB by default).
  // QEMU's downtime ends when the stop-and-copy's last byte is written to the
  // socket, not when it arrives: a migration whose max-bandwidth kept it below its
  // path (the link, or the first-pass ceiling for never-sent pages) has an empty
  // buffer at vm_stop, and that much of the stop-and-copy costs no path time.
  // (A path-bound migration's buffer is full: no gain.) 0 = off.
  double send_buffer_mib = 0.0;
  double background_dirty_pages_per_sec = 0.0;  // the guest OS's own writes
  double background_wss_mib = 0.0;              // ... spread over this much memory
  double guest_max_write_pages_per_sec = 1.0e6;  // ceiling of a WallClock-paced guest
};

struct ModelOptions {
  double horizon_s = 600.0;      // not completed by then => converged = false (cancelled)
  bool record_iterations = true;
};

// One round of pre-copy: it starts with a dirty-bitmap sync and ends at the next one.
// The last round of a converged migration is the stop-and-copy (`stop_and_copy`).
struct IterationRecord {
  int index = 0;                      // 1-based; dirty-sync-count at its start
  double start_ms = 0.0;
  double duration_ms = 0.0;
  double dirty_pages_at_sync = 0.0;   // pages in the bitmap right after the sync
  double pages_sent = 0.0;            // pages sent during the round (zero pages included)
  double zero_pages_sent = 0.0;
  double bytes_sent = 0.0;
  double threshold_bytes = 0.0;       // bandwidth x downtime-limit when the round began
  double throttle_pct = 0.0;          // auto-converge throttle during the round
  bool stop_and_copy = false;
};

struct Prediction {
  std::string model;                  // which model produced it
  bool converged = false;
  double total_time_ms = 0.0;         // query-migrate total-time (or the horizon)
  double setup_time_ms = 0.0;
  double downtime_ms = 0.0;           // 0 when not converged
  double transferred_bytes = 0.0;     // ram.transferred
  double normal_pages = 0.0;          // ram.normal
  double zero_pages = 0.0;            // ram.duplicate
  double downtime_bytes = 0.0;        // bytes sent while the guest was stopped
  int dirty_syncs = 0;                // ram.dirty-sync-count
  int iterations = 0;
  double final_throttle_pct = 0.0;    // cpu-throttle-percentage at the end
  double mean_bandwidth_mibps = 0.0;  // as QEMU measured it in its last window
  std::vector<IterationRecord> iteration_log;
};

// Everything one prediction needs.
struct MigrationScenario {
  GuestMemory memory;
  DirtyWorkload workload;
  QemuMigrationParams qemu;
  HostProfile host;
  ModelOptions options;
};

const char* to_string(DirtyPattern p);
const char* to_string(Pacing p);

}  // namespace migsim::models
