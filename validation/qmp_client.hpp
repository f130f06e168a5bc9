#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace migsim::validation {

// A QEMU Machine Protocol client over a Unix socket: reads the greeting,
// negotiates capabilities, then executes one command at a time. Asynchronous
// events that arrive between replies are kept in events(). Every wait has a
// deadline; a QMP error reply raises EnvironmentError with QEMU's description.
class QmpClient {
 public:
  QmpClient() = default;
  ~QmpClient();
  QmpClient(const QmpClient&) = delete;
  QmpClient& operator=(const QmpClient&) = delete;

  // Connects (retrying while QEMU has not created the socket yet) and negotiates.
  // `alive` is asked between retries so a QEMU that died is reported at once.
  template <class AliveFn>
  void connect(const std::string& socket_path, double timeout_s, AliveFn alive) {
    connect_impl(socket_path, timeout_s, [](void* f) { return (*static_cast<AliveFn*>(f))(); },
                 &alive);
  }
  // Runs `command` with `arguments` (omitted when null) and returns its "return" value.
  nlohmann::json execute(const std::string& command,
                         const nlohmann::json& arguments = nullptr, double timeout_s = 30.0);
  const std::vector<nlohmann::json>& events() const { return events_; }
  void close();
  bool connected() const { return fd_ >= 0; }

 private:
  void connect_impl(const std::string& path, double timeout_s, bool (*alive)(void*), void* ctx);
  nlohmann::json read_message(double deadline);

  int fd_ = -1;
  std::string buffer_;
  std::string path_;
  std::vector<nlohmann::json> events_;
};

}  // namespace migsim::validation
