#include "traces/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/input_error.hpp"

namespace migsim::traces {

namespace {
std::string errno_text() { return std::strerror(errno); }
}  // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on "." + name + suffix.
  std::string name(".");
  name.append(target.filename().string());
  name.append(".XXXXXX");
  std::string tmpl = (dir / name).string();
  const int fd = mkstemp(tmpl.data());
  if (fd < 0) throw EnvironmentError(path + ": cannot create a temporary file: " + errno_text());
  std::size_t off = 0;
  while (off < content.size()) {
    const ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string err = errno_text();
      ::close(fd);
      ::unlink(tmpl.c_str());
      throw EnvironmentError(path + ": write failed: " + err);
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0) {
    const std::string err = errno_text();
    ::close(fd);
    ::unlink(tmpl.c_str());
    throw EnvironmentError(path + ": cannot sync: " + err);
  }
  ::close(fd);
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    const std::string err = errno_text();
    ::unlink(tmpl.c_str());
    throw EnvironmentError(path + ": cannot rename into place: " + err);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void append_lines_atomically(const std::string& path, const std::string& lines) {
  std::string old;
  if (std::filesystem::exists(path)) {
    old = read_file(path);
    if (!old.empty() && old.back() != '\n') old.push_back('\n');
  }
  write_file_atomically(path, old + lines);
}

}  // namespace migsim::traces
