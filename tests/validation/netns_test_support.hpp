#pragma once
// For the tests of the harness's namespaces (shaped link, web link): whether a namespace exists,
// and a skip when this machine cannot make them (no root, no `ip`).
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "validation/shaped_link.hpp"

namespace migsim::validation::testing {

inline bool netns_exists(const std::string& name) { return std::filesystem::exists("/run/netns/" + name); }

}  // namespace migsim::validation::testing

#define SKIP_WITHOUT_NETNS()                                                           \
  do {                                                                                 \
    std::string why;                                                                   \
    if (!::migsim::validation::ShapedLink::available(&why)) GTEST_SKIP() << why;        \
  } while (0)
