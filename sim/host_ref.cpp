#include "sim/host_ref.hpp"

#include <charconv>

namespace migsim::sim {

int host_index(const std::string& s) {
  if (s.rfind("host:", 0) != 0 || s.size() == 5) return -1;
  int n = -1;
  const char* e = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data() + 5, e, n);
  return ec == std::errc() && p == e && n >= 0 ? n : -1;
}

}  // namespace migsim::sim
