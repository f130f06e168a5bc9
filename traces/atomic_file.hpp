#pragma once
#include <string>

namespace migsim::traces {

// Writes `content` to `path` atomically: a temporary file in the same folder,
// fsync, then rename over the target. Readers see the old file or the new one,
// never a half-written one. Throws EnvironmentError naming the path on failure.
void write_file_atomically(const std::string& path, const std::string& content);

// Appends `lines` (each must end in '\n') to `path` atomically by rewriting the
// file: the old content plus the new lines appear together or not at all.
void append_lines_atomically(const std::string& path, const std::string& lines);

// Reads a whole file; throws InputError naming the path if it cannot be read.
std::string read_file(const std::string& path);

}  // namespace migsim::traces
