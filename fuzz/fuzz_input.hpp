#pragma once
// One libFuzzer target per input parser (fuzz/CMakeLists.txt). MIGSIM_FUZZ_TARGET(text)
// { parse(text); } defines LLVMFuzzerTestOneInput: the bytes as a string, handed to the
// parser. Bad input must end in an InputError (the CLI's one line and exit 2); any
// other exception, a crash, a sanitizer report, a leak or a hang is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/input_error.hpp"

#define MIGSIM_FUZZ_TARGET(text)                                                  \
  static void migsim_fuzz_parse(const std::string& text);                         \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    try {                                                                         \
      migsim_fuzz_parse(std::string(reinterpret_cast<const char*>(data), size));  \
    } catch (const migsim::InputError&) {                                         \
    }                                                                             \
    return 0;                                                                     \
  }                                                                               \
  static void migsim_fuzz_parse(const std::string& text)
