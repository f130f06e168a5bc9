#pragma once
#include <exception>
#include <string>

namespace migsim::sim {

// what() of a captured exception ("unknown exception" for one not derived from
// std::exception): how a worker thread's failure is reported.
inline std::string exception_text(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace migsim::sim
