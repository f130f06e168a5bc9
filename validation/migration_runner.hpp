#pragma once
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "validation/guest_image.hpp"
#include "validation/validation_case.hpp"

namespace migsim::validation {

struct RunnerOptions {
  std::string qemu = "qemu-system-x86_64";  // program name or path
  std::string work_root = "/tmp";           // per-run folders (sockets, serial logs) go here
  bool keep_work = false;                   // keep the per-run folder (debugging)
  double boot_timeout_s = 90.0;             // until MIGSIM-READY
  double poll_interval_ms = 200.0;          // query-migrate polling (<= 250 ms)
  std::function<void(const std::string&)> progress;  // one-line progress messages
};

// Runs one real migration of `c` (repeat `repeat`, 1-based) between two local
// QEMUs over loopback TCP and returns the dataset record (one JSON object):
// configuration, environment, QEMU's raw query-migrate at the end, the polled
// trajectory, the guest's measured write rates and calc-dirty-rate result.
// Both QEMUs are killed and the work folder removed before it returns or throws.
// Throws EnvironmentError naming the case when QEMU is missing, fails to boot
// the guest, or the migration fails.
nlohmann::json run_migration_case(const ValidationCase& c, int repeat, const GuestImage& image,
                                  const RunnerOptions& opt);

// Boots the guest once with `accel` and reports whether it reached MIGSIM-READY
// within `timeout_s` (the KVM probe: this machine's nested KVM hangs stock kernels).
bool probe_accelerator(const std::string& accel, const GuestImage& image, const RunnerOptions& opt,
                       double timeout_s);

// The record's format tag.
inline constexpr const char* kRecordFormat = "migsim-validation-record/1";

}  // namespace migsim::validation
