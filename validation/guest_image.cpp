#include "validation/guest_image.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "sim/input_error.hpp"

namespace migsim::validation {

namespace {
std::map<std::string, std::string> read_env_file(const std::string& path) {
  std::ifstream in(path);
  std::map<std::string, std::string> kv;
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string v = line.substr(eq + 1);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    kv[line.substr(0, eq)] = v;
  }
  return kv;
}
}  // namespace

std::string source_dir() { return MIGSIM_VALIDATION_SOURCE_DIR; }

GuestImage load_guest_image(const std::string& dir, const std::string& build_script) {
  const std::string env = dir + "/image.env";
  // The build script is idempotent and returns at once when the image matches its
  // inputs (dirtier.c, the kernel, busybox), so an image it made (IMAGE_ID set) is
  // refreshed when the workload changed; an image made some other way is left alone.
  // Its progress goes to /dev/null: stderr carries errors only.
  const bool missing = ::access(env.c_str(), R_OK) != 0;
  if (!build_script.empty() && (missing || !read_env_file(env)["IMAGE_ID"].empty())) {
    if (::access(build_script.c_str(), X_OK) != 0) {
      throw EnvironmentError("guest image " + env + " missing and " + build_script +
                             " is not executable");
    }
    const std::string cmd = "'" + build_script + "' '" + dir + "' >/dev/null";
    const int rc = std::system(cmd.c_str());
    if (rc != 0) {
      throw EnvironmentError("building the guest image failed (" + build_script +
                             ", status " + std::to_string(WEXITSTATUS(rc)) + ")");
    }
  }
  if (::access(env.c_str(), R_OK) != 0) {
    throw EnvironmentError("guest image " + env + " missing: run validation/guest/build-image");
  }
  auto kv = read_env_file(env);
  GuestImage g{kv["KERNEL"], kv["INITRD"], kv["BASE_CMDLINE"], kv["KERNEL_VERSION"], kv["IMAGE_ID"]};
  for (const auto* f : {&g.kernel, &g.initrd}) {
    if (f->empty() || ::access(f->c_str(), R_OK) != 0) {
      throw EnvironmentError(env + ": guest file '" + *f + "' missing: rerun validation/guest/build-image");
    }
  }
  return g;
}

}  // namespace migsim::validation
