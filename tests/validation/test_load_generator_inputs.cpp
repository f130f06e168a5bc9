// The load generator's inputs, without traffic: targets and prefixes as text, the bounds of a
// request stream, the allow-list, the due times (fixed and seeded Poisson), the HTTP response
// parser.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "tests/support/input_error_of.hpp"
#include "validation/http_response_parser.hpp"
#include "validation/ipv4_prefix.hpp"
#include "validation/load_generator.hpp"
#include "validation/monotonic_clock.hpp"

namespace migsim::validation {
namespace {

using migsim::testing::input_error_of;
using State = HttpResponseParser::State;

LoadSpec loopback_spec() {
  LoadSpec s;
  s.target = parse_http_target("test", "127.0.0.1:8080");
  s.allowed = {parse_ipv4_prefix("test", "127.0.0.0/8")};
  return s;
}

TEST(Ipv4Prefix, ParsesAndContains) {
  const Ipv4Prefix p = parse_ipv4_prefix("f", "10.233.0.0/16");
  EXPECT_EQ(to_string(p), "10.233.0.0/16");
  EXPECT_TRUE(contains(p, parse_ipv4("f", "10.233.255.1")));
  EXPECT_FALSE(contains(p, parse_ipv4("f", "10.234.0.1")));
  EXPECT_EQ(parse_ipv4_prefix("f", "127.0.0.1").length, 32);
  EXPECT_TRUE(contains(parse_ipv4_prefix("f", "0.0.0.0/0"), parse_ipv4("f", "8.8.8.8")));
}

TEST(Ipv4Prefix, RefusesWhatIsNotAnAddress) {
  EXPECT_EQ(input_error_of([] { parse_ipv4("--allow", "localhost"); }),
            "--allow: not an IPv4 address (A.B.C.D), got 'localhost'");
  EXPECT_NE(input_error_of([] { parse_ipv4("f", "127.1"); }), "");
  EXPECT_NE(input_error_of([] { parse_ipv4("f", "::1"); }), "");
  EXPECT_EQ(input_error_of([] { parse_ipv4_prefix("f", "10.0.0.0/33"); }),
            "f: prefix length must be 0-32, got '10.0.0.0/33'");
  EXPECT_EQ(input_error_of([] { parse_ipv4_prefix("f", "10.0.0.1/8"); }),
            "f: bits set past the prefix length, got '10.0.0.1/8'");
}

TEST(HttpTarget, ParsesAddressPortAndPath) {
  const HttpTarget t = parse_http_target("--target", "127.0.0.1:8080/cgi-bin/work?ms=5");
  EXPECT_EQ(ipv4_text(t.address), "127.0.0.1");
  EXPECT_EQ(t.port, 8080);
  EXPECT_EQ(t.path, "/cgi-bin/work?ms=5");
  EXPECT_EQ(parse_http_target("--target", "10.0.0.2:80").path, "/");
  EXPECT_EQ(to_string(t), "127.0.0.1:8080/cgi-bin/work?ms=5");
}

TEST(HttpTarget, RefusesBadTargetsNamingThem) {
  EXPECT_EQ(input_error_of([] { parse_http_target("--target", "127.0.0.1"); }),
            "--target: expected IP:PORT[/path], got '127.0.0.1'");
  EXPECT_EQ(input_error_of([] { parse_http_target("--target", "localhost:80"); }),
            "--target: not an IPv4 address (A.B.C.D), got 'localhost'");
  EXPECT_EQ(input_error_of([] { parse_http_target("--target", "127.0.0.1:0"); }),
            "--target: port must be 1-65535, got '127.0.0.1:0'");
  EXPECT_NE(input_error_of([] { parse_http_target("--target", "127.0.0.1:65536"); }), "");
  EXPECT_NE(input_error_of([] { parse_http_target("--target", "127.0.0.1:80x"); }), "");
  EXPECT_NE(input_error_of([] { parse_http_target("--target", "127.0.0.1:80/a b"); }), "");
}

TEST(LoadSpec, BoundsNameTheFieldAndTheValue) {
  LoadSpec s = loopback_spec();
  EXPECT_EQ(input_error_of([&] { check_load_spec(s); }), "");
  s.rate_rps = 20000;
  EXPECT_EQ(input_error_of([&] { check_load_spec(s); }),
            "rate_rps: must be > 0 and <= 10000 requests/s, got 20000");
  s = loopback_spec();
  s.duration_s = 4000;
  EXPECT_EQ(input_error_of([&] { check_load_spec(s); }), "duration_s: must be > 0 and <= 3600 s, got 4000");
  s = loopback_spec();
  s.timeout_ms = 0;
  EXPECT_EQ(input_error_of([&] { check_load_spec(s); }), "timeout_ms: must be > 0 and <= 60000 ms, got 0");
  s = loopback_spec();
  s.max_requests = 200000;
  EXPECT_EQ(input_error_of([&] { check_load_spec(s); }),
            "max_requests: must be >= 1 and <= 100000, got 200000");
  s = loopback_spec();
  s.rate_rps = 10000;
  s.duration_s = 100;  // a million requests
  EXPECT_NE(input_error_of([&] { check_load_spec(s); }).find("requests (rate_rps x duration_s"), std::string::npos);
  s.max_requests = 1000;  // ... unless capped
  s.timeout_ms = 100;
  EXPECT_EQ(input_error_of([&] { check_load_spec(s); }), "");
  s.timeout_ms = 1000;  // 10000 rps x 1 s x 1.5 in flight
  EXPECT_NE(input_error_of([&] { check_load_spec(s); }).find("requests in flight"), std::string::npos);
  s.max_in_flight = 20000;
  EXPECT_EQ(input_error_of([&] { check_load_spec(s); }),
            "max_in_flight: must be >= 1 and <= 10000, got 20000");
  s = loopback_spec();
  s.start_monotonic_s = monotonic_s() - 60.0;
  EXPECT_NE(input_error_of([&] { check_load_spec(s); }).find("start_monotonic_s: must be within 10 s before"),
            std::string::npos);
}

TEST(LoadSpec, RefusesTargetsOutsideTheAllowedPrefixes) {
  LoadSpec s = loopback_spec();
  s.target = parse_http_target("t", "8.8.8.8:80");
  EXPECT_EQ(input_error_of([&] { check_load_spec(s); }),
            "target 8.8.8.8:80: outside the allowed prefixes (127.0.0.0/8)");
  s.allowed.clear();
  s.target = parse_http_target("t", "127.0.0.1:80");
  EXPECT_EQ(input_error_of([&] { check_load_spec(s); }),
            "target 127.0.0.1:80: outside the allowed prefixes (none given)");
  // The client refuses in its constructor, before any thread or socket exists.
  EXPECT_NE(input_error_of([&] { OpenLoopClient c(s); }), "");
  EXPECT_NE(input_error_of([&] { run_open_loop(s); }), "");
}

TEST(DueTimes, FixedRateIsKOverRateWithinTheDuration) {
  LoadSpec s = loopback_spec();
  s.rate_rps = 200;
  s.duration_s = 1.0;
  const auto due = due_times_s(s);
  ASSERT_EQ(due.size(), 200u);
  for (std::size_t k = 0; k < due.size(); ++k) EXPECT_DOUBLE_EQ(due[k], static_cast<double>(k) * 0.005);
  s.max_requests = 7;
  EXPECT_EQ(due_times_s(s).size(), 7u);
  s.max_requests = 0;
  s.rate_rps = 3;
  s.duration_s = 1.0;
  EXPECT_EQ(due_times_s(s), (std::vector<double>{0.0, 0.333333, 0.666667}));
}

TEST(DueTimes, PoissonArrivalsAreSeededAndHaveTheRate) {
  LoadSpec s = loopback_spec();
  s.arrivals = Arrivals::poisson;
  s.rate_rps = 1000;
  s.duration_s = 2.0;
  s.seed = 7;
  const auto a = due_times_s(s);
  EXPECT_EQ(a, due_times_s(s));
  s.seed = 8;
  const auto b = due_times_s(s);
  EXPECT_NE(a, b);
  ASSERT_GT(a.size(), 1500u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_GE(a.front(), 0.0);
  EXPECT_LT(a.back(), 2.0);
  const double mean_gap = (a.back() - a.front()) / static_cast<double>(a.size() - 1);
  EXPECT_NEAR(mean_gap, 0.001, 0.0001);
  // Not a fixed rate: the gaps vary (exponential: their std equals their mean).
  double var = 0.0;
  for (std::size_t k = 1; k < a.size(); ++k) var += std::pow(a[k] - a[k - 1] - mean_gap, 2);
  EXPECT_NEAR(std::sqrt(var / static_cast<double>(a.size() - 2)), 0.001, 0.0002);
}

TEST(HttpResponseParser, WholeResponseByContentLengthEvenInPieces) {
  HttpResponseParser p;
  EXPECT_EQ(p.feed("HTTP/1.1 200 OK\r\nContent-Le"), State::incomplete);
  EXPECT_EQ(p.feed("ngth: 5\r\n\r\nab"), State::incomplete);
  EXPECT_EQ(p.status(), 200);
  EXPECT_EQ(p.feed("cde"), State::complete);
}

TEST(HttpResponseParser, WithoutContentLengthEndsAtClose) {
  HttpResponseParser p;
  EXPECT_EQ(p.feed("HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\nbody"), State::incomplete);
  EXPECT_EQ(p.finish(), State::complete);
  EXPECT_EQ(p.status(), 404);
  HttpResponseParser chunked;
  EXPECT_EQ(chunked.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
            State::incomplete);
  EXPECT_EQ(chunked.finish(), State::complete);
  HttpResponseParser empty;
  EXPECT_EQ(empty.feed("HTTP/1.1 204 No Content\r\n\r\n"), State::complete);
}

TEST(HttpResponseParser, MalformedResponsesSayWhy) {
  HttpResponseParser garbage;
  EXPECT_EQ(garbage.feed("this is not HTTP\r\n\r\n"), State::malformed);
  EXPECT_EQ(garbage.problem(), "no HTTP/1.x status line");
  HttpResponseParser shortBody;
  shortBody.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_EQ(shortBody.finish(), State::malformed);
  EXPECT_EQ(shortBody.problem(), "body ends 7 bytes short");
  HttpResponseParser none;
  EXPECT_EQ(none.finish(), State::malformed);
  EXPECT_EQ(none.problem(), "closed before any response");
  HttpResponseParser cut;
  cut.feed("HTTP/1.1 200 OK\r\nContent-");
  EXPECT_EQ(cut.finish(), State::malformed);
  HttpResponseParser badLength;
  EXPECT_EQ(badLength.feed("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n"), State::malformed);
  HttpResponseParser huge;
  EXPECT_EQ(huge.feed("HTTP/1.1 200 OK\r\nX: " + std::string(70000, 'a')), State::malformed);
}

}  // namespace
}  // namespace migsim::validation
