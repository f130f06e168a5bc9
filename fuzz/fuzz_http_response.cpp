// An HTTP response as the load generator reads it (validation/http_response_parser): the bytes
// arrive in pieces whose sizes the input's first byte sets, then the server closes. Besides no
// crash, the parser's promises are checked: a final state is final, a complete response has a
// status, a malformed one says why.
#include <cstdlib>

#include "fuzz/fuzz_input.hpp"
#include "validation/http_response_parser.hpp"

MIGSIM_FUZZ_TARGET(text) {
  using migsim::validation::HttpResponseParser;
  using State = HttpResponseParser::State;
  if (text.empty()) return;
  const std::size_t piece = 1 + static_cast<unsigned char>(text[0]) % 64;
  const std::string_view bytes = std::string_view(text).substr(1);
  HttpResponseParser p;
  State last = State::incomplete;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    const State s = p.feed(bytes.substr(at, piece));
    if (last != State::incomplete && s != last) std::abort();  // a final state changed
    last = s;
  }
  const State end = p.finish();
  if (last != State::incomplete && end != last) std::abort();
  if (end == State::incomplete) std::abort();  // finish() must decide
  if (end == State::complete && (p.status() < 100 || p.status() > 999)) std::abort();
  if (end == State::malformed && p.problem().empty()) std::abort();
}
