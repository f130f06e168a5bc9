#include "sim/sweep_expansion.hpp"

#include <gtest/gtest.h>

#include "sim/input_error.hpp"

using migsim::expand_sweep;
using migsim::find_sweep_axes;
using nlohmann::json;

TEST(SweepExpansion, ScalarSpecIsOnePoint) {
  const json spec = {{"ram_mib", 1024}, {"wss_mib", 64}};
  const auto points = expand_sweep(spec, {}, "spec.json");
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].spec, spec);
  EXPECT_TRUE(points[0].coordinates.empty());
}

TEST(SweepExpansion, CartesianProductLastAxisFastest) {
  const json spec = {{"a", {1, 2}}, {"b", {10, 20, 30}}, {"c", 7}};
  const auto points = expand_sweep(spec, {}, "spec.json");
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[0].spec, (json{{"a", 1}, {"b", 10}, {"c", 7}}));
  EXPECT_EQ(points[1].spec, (json{{"a", 1}, {"b", 20}, {"c", 7}}));
  EXPECT_EQ(points[3].spec, (json{{"a", 2}, {"b", 10}, {"c", 7}}));
  EXPECT_EQ(points[5].coordinates, (json{{"a", 2}, {"b", 30}}));
}

TEST(SweepExpansion, NestedFieldsUseDottedPaths) {
  const json spec = {{"profile", {{"link_mibps", {100, 1000}}, {"setup_ms", 5}}}};
  const auto axes = find_sweep_axes(spec, {});
  ASSERT_EQ(axes.size(), 1u);
  EXPECT_EQ(axes[0].path, "profile.link_mibps");
  const auto points = expand_sweep(spec, {}, "spec.json");
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[1].spec["profile"]["link_mibps"], 1000);
  EXPECT_EQ(points[1].spec["profile"]["setup_ms"], 5);
}

// Found by fuzz_prediction_sweep: a key with '~' made an invalid JSON pointer (an
// uncaught parse_error); keys with '~', '/' or '.' now are axes like any other.
TEST(SweepExpansion, KeysWithPointerCharactersAreAxesToo) {
  const json spec = {{"a~b", {1, 2}}, {"c/d", {{"e.f", {3, 4}}}}};
  const auto points = expand_sweep(spec, {}, "spec.json");
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points[3].spec, (json{{"a~b", 2}, {"c/d", {{"e.f", 4}}}}));
}

TEST(SweepExpansion, NaturalListFieldIsAnAxisOnlyAsListOfLists) {
  const json one_series = {{"series", {{0, 100}, {5, 200}}}};
  EXPECT_TRUE(find_sweep_axes(one_series, {"series"}).empty());
  const json two_series = {{"series", {{{0, 100}}, {{0, 300}}}}};
  const auto points = expand_sweep(two_series, {"series"}, "spec.json");
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[1].spec["series"], (json{{0, 300}}));
}

TEST(SweepExpansion, EmptyAxisAndTooManyPointsAreErrors) {
  try {
    expand_sweep(json{{"wss_mib", json::array()}}, {}, "spec.json");
    FAIL() << "expected an InputError";
  } catch (const migsim::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("spec.json: wss_mib"), std::string::npos) << e.what();
  }
  const json big = {{"a", {1, 2, 3, 4}}, {"b", {1, 2, 3, 4}}};
  EXPECT_THROW(expand_sweep(big, {}, "spec.json", 15), migsim::InputError);
  EXPECT_EQ(expand_sweep(big, {}, "spec.json", 16).size(), 16u);
}
