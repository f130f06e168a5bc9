#pragma once
// One real web run (issue 12): the web guest booted as source and an incoming destination on a
// WebLink (both QEMUs in its namespace, one tap each on its bridge), a warm-up, then the run's
// open-loop request stream from the namespace's client address, the migration issued at
// migration_at_s (over the namespace's loopback, QEMU's max-bandwidth), the load kept up to
// duration_s; the host's CPU sampled all along. Returns what the dataset line is built from.
#include <nlohmann/json.hpp>

#include "validation/guest_image.hpp"
#include "validation/load_generator.hpp"
#include "validation/migration_runner.hpp"
#include "validation/web_case.hpp"
#include "validation/web_record_writer.hpp"

namespace migsim::validation {

struct WebRunOutput {
  WebRunMeasurements measured;
  LoadLog log;  // the full request log (for --requests-dir)
};

// Both QEMUs killed, the namespace and the work folder removed before it returns or throws.
// EnvironmentError naming the run (QEMU missing, guest not ready, web app unreachable,
// migration failed); Interrupted on Ctrl-C.
WebRunOutput run_web_case(const WebCase& c, const GuestImage& image, const RunnerOptions& opt);

// The web image (validation/guest/build-web-image): the folder and its build script.
std::string default_web_image_dir();
std::string web_image_build_script();

}  // namespace migsim::validation
