#pragma once
#include <string>
#include <vector>

namespace migsim {

// A list of names for messages and help texts: "a, b, c" (last_separator ", ")
// or "a, b or c" (last_separator " or ").
std::string join_names(const std::vector<std::string>& names, const std::string& last_separator = ", ");

}  // namespace migsim
