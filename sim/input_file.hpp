#pragma once
#include <string>

namespace migsim {

// Opens an input file for reading (O_RDONLY | O_CLOEXEC) and returns its
// descriptor. A missing file, or a directory where a file is expected, raises
// InputError naming the path ("x.json: is a directory (expected a file)").
int open_input_file(const std::string& path);
// The whole content of an input file (a regular file, a FIFO or /dev/stdin);
// the same errors, and one for a read that fails half way.
std::string read_input_file(const std::string& path);

}  // namespace migsim
