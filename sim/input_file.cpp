#include "sim/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/input_error.hpp"

namespace migsim {

int open_input_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ": cannot open file");
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw InputError(path + ": is a directory (expected a file)");
  }
  return fd;
}

std::string read_input_file(const std::string& path) {
  const int fd = open_input_file(path);
  std::string text;
  char block[65536];
  for (;;) {
    const ssize_t n = ::read(fd, block, sizeof block);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string err = std::strerror(errno);
      ::close(fd);
      throw InputError(path + ": cannot read file: " + err);
    }
    text.append(block, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace migsim
