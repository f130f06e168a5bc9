#pragma once
#include <string>

namespace migsim::validation {

// The guest built by validation/guest/build-image (see validation/guest/README.md).
struct GuestImage {
  std::string kernel;
  std::string initrd;
  std::string base_cmdline;
  std::string kernel_version;
  std::string image_id;
};

// The source tree migsim was built from (guest scripts, plot script).
std::string source_dir();

// Reads DIR/image.env. With `build_script`, runs the script first (it is idempotent)
// when the image is missing or was made by that script, so a changed workload is
// rebuilt. EnvironmentError when neither works.
GuestImage load_guest_image(const std::string& dir, const std::string& build_script);

}  // namespace migsim::validation
