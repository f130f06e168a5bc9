#include "sim/name_list.hpp"

namespace migsim {

std::string join_names(const std::vector<std::string>& names, const std::string& last_separator) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? last_separator : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace migsim
