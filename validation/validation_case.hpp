#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/precopy_types.hpp"
#include "sim/json_input.hpp"

namespace migsim::validation {

// One configuration of a real migration: the guest (RAM, non-zero fill, the
// dirtier's workload), QEMU's migration parameters, and how to run it.
// JSON keys = field names (the workload keys match `migsim predict`'s flags).
struct ValidationCase {
  std::string name;
  std::string split = "test";       // "train": may be used to tune parameters; "test": reported only
  std::string note;
  int repeats = 1;
  // guest
  double ram_mib = 512;
  double fill_mib = 0;              // non-zero memory the dirtier writes at boot (>= wss_mib)
  double wss_mib = 0;
  std::string dirty_pattern = "sequential";
  double dirty_pages_per_sec = 0;
  std::string pacing = "wall";      // wall | cpu (see validation/guest/README.md)
  double hot_fraction = 0.1;
  double hot_write_share = 0.9;
  std::string cpuload;              // dirtier's migsim.cpuload schedule, "" = none
  int seed = 1;
  // QEMU migration parameters
  double max_bandwidth_mibps = 128;
  double downtime_limit_ms = 300;
  bool auto_converge = false;
  bool xbzrle = false;
  // harness
  double horizon_s = 60;            // cancelled at this total-time => not-converged
  int calc_dirty_rate_s = 1;        // calc-dirty-rate calc-time before migrating (0 = skip)
  std::string accel = "tcg";        // tcg | kvm | auto (boot probe)
  // Boot the guest with pti=on: every kernel entry switches CR3, which flushes TCG's
  // TLB, so QEMU 7.2 TCG does not lose dirty pages (see HostProfile::tcg_tlb_entries).
  // Records made before this key existed were made without it.
  bool pti = true;
  // Test hook: the guest flips one word of its memory before it verifies it
  // (migsim.corrupt_on_verify=1), so the record must say "guest memory corrupted".
  bool corrupt_guest_memory = false;
  // A fault injected fault_after_s after `migrate` (validation/migration_fault.hpp):
  // none | kill-source | kill-destination | refuse-connection | drop-packets | link-down.
  std::string fault = "none";
  double fault_after_s = 1.0;

  nlohmann::json to_json() const;
  // The guest's kernel command line keys (validation/guest/README.md).
  std::string kernel_cmdline_keys() const;
};

// RAM the guest OS itself needs beside the fill (kernel, initramfs, page tables).
inline constexpr double kGuestOsReserveMib = 112.0;

// Reads the keys present in `obj` over `base`, strictly (unknown keys, wrong
// types, impossible values => InputError naming obj.where() and the field).
ValidationCase case_from_json(JsonObject& obj, const ValidationCase& base, bool need_name);
// Cross-field checks (fill vs RAM, WSS vs fill, ...). `where` names the case.
void check_case(const ValidationCase& c, const std::string& where);

// A matrix file: {"defaults": {...}, "cases": [{...}, ...]}. Names must be unique.
std::vector<ValidationCase> read_matrix_file(const std::string& path);
// The same for a matrix document read from `path`.
std::vector<ValidationCase> parse_matrix(const nlohmann::json& doc, const std::string& path);

// How the model sees a case: the guest's non-zero memory is the fill plus what
// the guest OS itself occupies (a calibrated function of RAM).
struct GuestCalibration {
  double os_nonzero_mib = 40.0;         // fixed part
  double os_nonzero_mib_per_gib = 16.0;  // grows with RAM (struct page array, ...)
  double nonzero_mib(const ValidationCase& c) const {
    return c.fill_mib + os_nonzero_mib + tail_nonzero_mib(c);
  }
  // The RAM-proportional part (struct-page array) sits at the top of RAM.
  double tail_nonzero_mib(const ValidationCase& c) const {
    return os_nonzero_mib_per_gib * c.ram_mib / 1024.0;
  }
};
models::MigrationScenario scenario_for(const ValidationCase& c, const models::HostProfile& host,
                                       const GuestCalibration& guest);

}  // namespace migsim::validation
