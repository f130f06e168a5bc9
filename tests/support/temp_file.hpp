#pragma once
// A file with `text` in a folder of gtest's temporary folder that belongs to this process, for
// tests of readers that take a path. ctest runs each gtest case as its own process, two at a
// time; a shared path let one case read the file another was writing (CI, stop 19).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace migsim::testing {

inline std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / ("migsim-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  const std::string part = path + ".part";
  std::ofstream(part) << text;
  std::filesystem::rename(part, path);
  return path;
}

}  // namespace migsim::testing
