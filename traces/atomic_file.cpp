#include "traces/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "sim/input_error.hpp"
#include "sim/input_file.hpp"

namespace migsim::traces {

namespace {
std::string errno_text() { return std::strerror(errno); }

const char* file_kind(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}
}  // namespace

AtomicFileSink::AtomicFileSink(std::string path) : path_(std::move(path)) {
  namespace fs = std::filesystem;
  // Only a regular file is replaced: the rename would turn /dev/null, a FIFO or
  // a socket into a regular file (as root), or fail half way on a directory.
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    throw InputError(path_ + ": exists and is not a regular file (" + file_kind(st.st_mode) +
                     "); not replaced, give a file path");
  }
  const fs::path target(path_);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on "." + name + suffix.
  std::string name(".");
  name.append(target.filename().string());
  name.append(".XXXXXX");
  tmp_ = (dir / name).string();
  fd_ = mkstemp(tmp_.data());
  if (fd_ < 0) throw EnvironmentError(path_ + ": cannot create a temporary file: " + errno_text());
}

AtomicFileSink::~AtomicFileSink() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void AtomicFileSink::fail(const std::string& what) {
  const std::string err = errno_text();
  ::close(fd_);
  ::unlink(tmp_.c_str());
  fd_ = -1;
  throw EnvironmentError(path_ + ": " + what + ": " + err);
}

void AtomicFileSink::write(std::string_view s) {
  if (fd_ < 0) throw EnvironmentError(path_ + ": write failed: the file is closed");
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::write(fd_, s.data() + off, s.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write failed");
    }
    off += static_cast<std::size_t>(n);
  }
}

void AtomicFileSink::commit() {
  if (fd_ < 0) throw EnvironmentError(path_ + ": write failed: the file is closed");
  if (::fchmod(fd_, 0644) != 0 || ::fsync(fd_) != 0) fail("cannot sync");
  ::close(fd_);
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const std::string err = errno_text();
    ::unlink(tmp_.c_str());
    throw EnvironmentError(path_ + ": cannot rename into place: " + err);
  }
}

void write_file_atomically(const std::string& path, const std::string& content) {
  AtomicFileSink file(path);
  file.write(content);
  file.commit();
}

std::string read_file(const std::string& path) { return read_input_file(path); }

void append_lines_atomically(const std::string& path, const std::string& lines) {
  std::string old;
  if (std::filesystem::exists(path)) {
    old = read_file(path);
    if (!old.empty() && old.back() != '\n') old.push_back('\n');
  }
  write_file_atomically(path, old + lines);
}

}  // namespace migsim::traces
