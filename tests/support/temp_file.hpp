#pragma once
// A file with `text` in gtest's temporary folder, for tests of readers that take a path.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace migsim::testing {

inline std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace migsim::testing
