#pragma once
// A measurement in a child process (fork), so its peak RSS is its own: the
// child runs `measure` and sends its JSON back through a pipe. A child that
// throws sends `label` with "error": what(); one that sends nothing gives
// `label` with "error": "child produced no output".
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace migsim::bench {

inline nlohmann::json measure_in_child(const std::function<nlohmann::json()>& measure, nlohmann::json label) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    std::string text;
    try {
      text = measure().dump();
    } catch (const std::exception& e) {
      nlohmann::json failed = label;
      failed["error"] = e.what();
      text = failed.dump();
    }
    for (std::size_t off = 0; off < text.size();) {
      const ssize_t n = write(fds[1], text.data() + off, text.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (text.empty()) {
    label["error"] = "child produced no output";
    return label;
  }
  return nlohmann::json::parse(text);
}

}  // namespace migsim::bench
