#include <gtest/gtest.h>

#include "sim/input_error.hpp"
#include "sim/json_input.hpp"
#include "tests/support/input_error_of.hpp"

using migsim::InputError;
using migsim::JsonObject;
using migsim::NumberRule;

namespace {
const auto error_of = migsim::testing::input_error_of;
}  // namespace

TEST(JsonInput, MalformedJsonNamesFileLineAndColumn) {
  const auto msg = error_of([] { migsim::parse_json_text("{\n  \"a\": 1,\n  oops\n}", "x.json"); });
  EXPECT_NE(msg.find("x.json:3:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed JSON"), std::string::npos) << msg;
}

TEST(JsonInput, UnknownKeyIsNamed) {
  const auto j = nlohmann::json::parse(R"({"ram_mib": 5, "rma_mib": 6})");
  const auto msg = error_of([&] {
    JsonObject o(j, "s.json");
    o.number("ram_mib");
    o.finish();
  });
  EXPECT_NE(msg.find("s.json: rma_mib: unknown key"), std::string::npos) << msg;
}

// A typo of an optional key that was left out must list that key among the known ones.
TEST(JsonInput, UnknownKeyMessageListsTheOptionalKeysToo) {
  const auto j = nlohmann::json::parse(R"({"a": "x", "capacty": 5})");
  const auto msg = error_of([&] {
    JsonObject o(j, "n.json");
    o.string("a");
    o.number("capacity_mbps", 0.0, NumberRule::Positive);
    o.boolean("shared", false);
    o.finish();
  });
  EXPECT_NE(msg.find("n.json: capacty: unknown key (known here: a, capacity_mbps, shared)"),
            std::string::npos)
      << msg;
}

TEST(JsonInput, WrongTypeAndRangeNameFieldAndValue) {
  const auto j = nlohmann::json::parse(R"({"hosts": [{"ram": "big"}, {"ram": -3}]})");
  JsonObject o(j, "c.json");
  auto hosts = o.array_of_objects("hosts");
  auto m1 = error_of([&] { hosts[0].number("ram"); });
  EXPECT_NE(m1.find("c.json: hosts[0].ram: expected a number, got \"big\""), std::string::npos)
      << m1;
  auto m2 = error_of([&] { hosts[1].number("ram", NumberRule::Positive); });
  EXPECT_NE(m2.find("hosts[1].ram: must be > 0, got -3"), std::string::npos) << m2;
}

TEST(JsonInput, MissingRequiredAndFallbacks) {
  const auto j = nlohmann::json::parse(R"({"a": 1})");
  JsonObject o(j, "f.json");
  EXPECT_DOUBLE_EQ(o.number("b", 7.0), 7.0);
  EXPECT_NE(error_of([&] { o.number("c"); }).find("f.json: c: required field is missing"),
            std::string::npos);
  EXPECT_NE(error_of([&] { o.choice("a", {"x", "y"}); }).find("expected a string"),
            std::string::npos);
}
