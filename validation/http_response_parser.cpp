#include "validation/http_response_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace migsim::validation {

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}
}  // namespace

HttpResponseParser::State HttpResponseParser::fail(std::string why) {
  problem_ = std::move(why);
  state_ = State::malformed;
  return state_;
}

HttpResponseParser::State HttpResponseParser::feed(std::string_view bytes) {
  if (state_ != State::incomplete) return state_;
  if (!head_done_) {
    const std::size_t old = head_.size();
    head_.append(bytes);
    const auto end = head_.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
    if (end == std::string::npos) {
      if (head_.size() > kMaxHeaderBytes) return fail("headers longer than 64 KiB");
      return state_;
    }
    const std::size_t body_in_this = head_.size() - (end + 4);
    head_.resize(end + 2);  // status line and headers, each ending in CRLF
    head_done_ = true;
    if (parse_head() != State::incomplete) return state_;
    body_seen_ = body_in_this;
  } else {
    body_seen_ += bytes.size();
  }
  if (!until_close_ && body_seen_ >= body_expected_) state_ = State::complete;
  return state_;
}

HttpResponseParser::State HttpResponseParser::parse_head() {
  const auto eol = head_.find("\r\n");
  const std::string_view line(head_.data(), eol);
  // "HTTP/1.1 200 OK": version, space, three digits, then a space or the end.
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ' ||
      (line.size() > 12 && line[12] != ' ')) {
    return fail("no HTTP/1.x status line");
  }
  int code = 0;
  const auto r = std::from_chars(line.data() + 9, line.data() + 12, code);
  if (r.ec != std::errc() || r.ptr != line.data() + 12 || code < 100) return fail("bad status code");
  status_ = code;
  std::size_t pos = eol + 2;
  while (pos < head_.size()) {
    const auto next = head_.find("\r\n", pos);
    const std::string_view h(head_.data() + pos, next - pos);
    pos = next + 2;
    const auto colon = h.find(':');
    if (colon == std::string_view::npos || colon == 0) return fail("header without a name");
    const std::string name = lower(trim(h.substr(0, colon)));
    const std::string_view value = trim(h.substr(colon + 1));
    if (name == "content-length") {
      std::size_t n = 0;
      const auto c = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || c.ec != std::errc() || c.ptr != value.data() + value.size()) {
        return fail("bad Content-Length");
      }
      if (!until_close_ && n != body_expected_) return fail("two different Content-Lengths");
      until_close_ = false;
      body_expected_ = n;
    } else if (name == "transfer-encoding") {
      // Chunked or not, the server closes after it (we asked for Connection: close).
      until_close_ = true;
      body_expected_ = 0;
    }
  }
  // 1xx, 204 and 304 have no body.
  if (code < 200 || code == 204 || code == 304) {
    until_close_ = false;
    body_expected_ = 0;
  }
  return state_;
}

HttpResponseParser::State HttpResponseParser::finish() {
  if (state_ != State::incomplete) return state_;
  if (!head_done_) return fail(head_.empty() ? "closed before any response" : "closed inside the headers");
  if (!until_close_ && body_seen_ < body_expected_) {
    return fail("body ends " + std::to_string(body_expected_ - body_seen_) + " bytes short");
  }
  state_ = State::complete;
  return state_;
}

}  // namespace migsim::validation
