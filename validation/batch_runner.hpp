#pragma once
#include <nlohmann/json.hpp>

#include "validation/batch_case.hpp"
#include "validation/guest_image.hpp"
#include "validation/migration_runner.hpp"

namespace migsim::validation {

// Runs one batch (repeat `repeat`, 1-based): a ShapedLink at the batch's rate,
// every source QEMU in the sources' namespace and every destination in the
// destinations', all guests booted first, then each migration started at its
// start_s (after the first), all polled together every opt.poll_interval_ms;
// one not completed by its horizon_s is cancelled (not converged). Returns the
// batch record: the link (and tc's counters), the environment, the makespan and
// one single-migration record per member (validation_dataset's format, plus
// start_s). Every QEMU is killed and both namespaces deleted before it returns
// or throws (also on Ctrl-C). EnvironmentError naming the batch when QEMU or
// namespaces cannot start, the batch needs more memory than the host has, or a
// migration fails.
nlohmann::json run_batch_case(const BatchCase& b, int repeat, const GuestImage& image,
                              const RunnerOptions& opt);

inline constexpr const char* kBatchRecordFormat = "migsim-validation-batch/1";

// MiB a batch needs on this host: two QEMUs per migration (source and
// destination RAM) plus QEMU's own overhead.
double batch_memory_need_mib(const BatchCase& b);

}  // namespace migsim::validation
