#pragma once
// The message of the InputError a piece of code raises ("" when it raises none),
// for tests that check what an error names.
#include <functional>
#include <string>

#include "sim/input_error.hpp"

namespace migsim::testing {

inline std::string input_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace migsim::testing
