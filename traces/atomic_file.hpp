#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace migsim::traces {

// A file written as its content streams in, atomically: a temporary file in the
// same folder, fsync and rename over the target on commit(). Readers see the old
// file or the whole new one. Not committed (an error on the way): the temporary
// file is removed. Errors are EnvironmentErrors naming the path, but for a target
// that exists and is not a regular file (a device such as /dev/null, a FIFO, a
// directory): that one is refused up front, with an InputError.
class AtomicFileSink {
 public:
  explicit AtomicFileSink(std::string path);
  ~AtomicFileSink();
  AtomicFileSink(const AtomicFileSink&) = delete;
  AtomicFileSink& operator=(const AtomicFileSink&) = delete;
  void write(std::string_view s);
  std::function<void(std::string_view)> sink() {
    return [this](std::string_view s) { write(s); };
  }
  void commit();

 private:
  void fail(const std::string& what);
  std::string path_, tmp_;
  int fd_ = -1;
};

// Writes `content` to `path` atomically (an AtomicFileSink written at once): a temporary file in the same folder,
// fsync, then rename over the target. Readers see the old file or the new one,
// never a half-written one. Throws EnvironmentError naming the path on failure.
void write_file_atomically(const std::string& path, const std::string& content);

// Appends `lines` (each must end in '\n') to `path` atomically by rewriting the
// file: the old content plus the new lines appear together or not at all.
void append_lines_atomically(const std::string& path, const std::string& lines);

// Reads a whole file; throws InputError naming the path if it cannot be read.
std::string read_file(const std::string& path);

}  // namespace migsim::traces
