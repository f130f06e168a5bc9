#pragma once
// Network namespaces the harness makes carry the pid of the process that made them
// ("<prefix><pid>-<k>", e.g. "msim-s1234-0"): one whose creator is gone was left behind by a
// harness killed with SIGKILL, and the next harness deletes it. Shared by every namespace
// owner (ShapedLink, WebLink).
#include <string>
#include <vector>

namespace migsim::validation {

// The pid in "<prefix><pid>-<rest>" for one of `prefixes`, or -1 when `name` is not such a name.
long netns_creator_pid(const std::string& name, const std::vector<std::string>& prefixes);

// Deletes /run/netns entries named "<prefix><pid>-..." whose pid is no running process (and
// not this one). Returns how many it removed.
int remove_stale_netns(const std::vector<std::string>& prefixes);

}  // namespace migsim::validation
