#include "sim/input_bounds.hpp"

#include <cmath>
#include <charconv>

#include "sim/input_error.hpp"

namespace migsim {

bool within(const Bound& b, double v) {
  return std::isfinite(v) && (b.lo_open ? v > b.lo : v >= b.lo) && v <= b.hi;
}

namespace {
// The shortest fixed-point text that reads back as v ("0.001", "67108864", "10000000000").
std::string shortest(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}
}  // namespace

std::string bound_text(const Bound& b) {
  std::string s = (b.lo_open ? "> " : ">= ") + shortest(b.lo) + " and <= " + shortest(b.hi);
  if (*b.unit) s += std::string(" ") + b.unit;
  return s;
}

double check_bound(const std::string& where, double v, const Bound& b, const std::string& shown) {
  if (!within(b, v)) throw InputError(where + ": must be " + bound_text(b) + ", got " + shown);
  return v;
}

}  // namespace migsim
