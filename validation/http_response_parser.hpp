#pragma once
// An HTTP/1.x response read as it arrives, far enough to know that it is whole and what its
// status is: the status line, the headers (Content-Length, Transfer-Encoding), the body's
// length. The body itself is counted, not kept. For the load generator, which sends
// `Connection: close`: a response without Content-Length ends when the server closes.
#include <cstddef>
#include <string>
#include <string_view>

namespace migsim::validation {

class HttpResponseParser {
 public:
  enum class State { incomplete, complete, malformed };

  // More bytes of the response. Once complete or malformed, further bytes change nothing.
  State feed(std::string_view bytes);
  // The server closed the connection (read returned 0): complete if what came is a whole
  // response, malformed otherwise (no header end, a body shorter than its Content-Length).
  State finish();
  State state() const { return state_; }
  // The status code once the status line was read, else 0.
  int status() const { return status_; }
  // Why it is malformed ("no status line", "body ends 12 bytes short", ...).
  const std::string& problem() const { return problem_; }

  static constexpr std::size_t kMaxHeaderBytes = 65536;

 private:
  State fail(std::string why);
  State parse_head();

  State state_ = State::incomplete;
  std::string head_;
  bool head_done_ = false;
  bool until_close_ = true;  // no Content-Length: the body runs until the server closes
  std::size_t body_expected_ = 0;
  std::size_t body_seen_ = 0;
  int status_ = 0;
  std::string problem_;
};

}  // namespace migsim::validation
