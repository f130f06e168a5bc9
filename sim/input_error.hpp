#pragma once
#include <stdexcept>
#include <string>

namespace migsim {

// Bad user input (a flag, a file, a field). The CLI prints what() on one line
// and exits with status 2. The message names where (file/field/flag) and the
// offending value; it never says "invalid input" alone.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

// The environment failed (QEMU missing, a guest that does not boot, libvirtd
// unreachable). The CLI exits with status 1.
class EnvironmentError : public std::runtime_error {
 public:
  explicit EnvironmentError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace migsim
