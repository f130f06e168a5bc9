#include "experiments/sweep_shards.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "sim/input_error.hpp"

namespace migsim::experiments {
namespace {

std::vector<SweepPoint> three_points() {
  std::vector<SweepPoint> p(3);
  for (int i = 0; i < 3; ++i) p[i].coordinates = {{"/seed", i + 1}};
  return p;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/migsim-shards-XXXXXX";
    path = ::mkdtemp(t);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

TEST(SweepShards, ParsesIOverN) {
  const auto s = parse_sweep_shard("2/5", "--shard");
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(to_string(s), "2/5");
  for (const char* bad : {"3/2", "2/2", "1/0", "-1/2", "1/", "/2", "a/b", "1/2/3", ""})
    EXPECT_THROW(parse_sweep_shard(bad, "--shard"), InputError) << bad;
}

TEST(SweepShards, EveryPointInExactlyOneShard) {
  std::vector<int> seen(11, 0);
  for (std::size_t i = 0; i < 4; ++i)
    for (const auto p : shard_points(11, SweepShard{i, 4})) ++seen[p];
  for (int n : seen) EXPECT_EQ(n, 1);
  EXPECT_EQ(shard_points(11, SweepShard{3, 4}), (std::vector<std::size_t>{3, 7}));
}

TEST(SweepShards, FingerprintFollowsTheDocument) {
  EXPECT_EQ(sweep_fingerprint({{"a", 1}}), sweep_fingerprint({{"a", 1}}));
  EXPECT_NE(sweep_fingerprint({{"a", 1}}), sweep_fingerprint({{"a", 2}}));
  EXPECT_EQ(sweep_fingerprint({{"a", 1}}).size(), 16u);
}

TEST(SweepShards, OutputKeepsFinishedPointsAndResumes) {
  TempDir d;
  const auto points = three_points();
  const std::string out = d.path + "/s.jsonl";
  {
    SweepOutputFile f(out, points, {0, 1, 2}, std::nullopt, false, "--out");
    EXPECT_EQ(f.missing().size(), 3u);
    f.add(1, {{"energy_kwh", 1.5}});
    // Not committed: as if killed. The finished point is on disk.
  }
  EXPECT_NE(slurp(out + ".partial").find("\"point\":1"), std::string::npos);
  EXPECT_THROW(SweepOutputFile(out, points, {0, 1, 2}, std::nullopt, false, "--out"), InputError);
  {
    std::ofstream(out + ".partial", std::ios::app) << "{\"point\":2,\"coo";  // torn by a kill
    SweepOutputFile f(out, points, {0, 1, 2}, std::nullopt, true, "--out");
    EXPECT_EQ(f.resumed(), 1u);
    EXPECT_EQ(f.missing(), (std::vector<std::size_t>{0, 2}));
    f.add(2, {{"energy_kwh", 2.5}});
    f.add(0, {{"energy_kwh", 0.5}});
    const std::string text = f.commit();
    EXPECT_EQ(text, slurp(out));
    EXPECT_EQ(text.find("{\"coordinates\":{\"/seed\":1},\"point\":0,"), 0u);
    EXPECT_LT(text.find("\"point\":0"), text.find("\"point\":1"));
    EXPECT_LT(text.find("\"point\":1"), text.find("\"point\":2"));
  }
  EXPECT_NE(::access((out + ".partial").c_str(), F_OK), 0);
}

TEST(SweepShards, MergeChecksOneSweepEveryPointOnce) {
  TempDir d;
  const auto points = three_points();
  auto part = [&](std::size_t i, const std::string& id) {
    const std::string path = d.path + "/p" + std::to_string(i) + id + ".jsonl";
    SweepIdentity who{id, 3, to_string(SweepShard{i, 2})};
    SweepOutputFile f(path, points, shard_points(3, SweepShard{i, 2}), who, false, "--out");
    for (const auto p : f.missing()) f.add(p, {{"x", static_cast<int>(p)}});
    f.commit();
    return path;
  };
  const auto a = part(0, "aaaa"), b = part(1, "aaaa"), other = part(1, "bbbb");
  const std::string merged = merge_sweep_parts({b, a});
  EXPECT_EQ(merged,
            "{\"coordinates\":{\"/seed\":1},\"point\":0,\"result\":{\"x\":0}}\n"
            "{\"coordinates\":{\"/seed\":2},\"point\":1,\"result\":{\"x\":1}}\n"
            "{\"coordinates\":{\"/seed\":3},\"point\":2,\"result\":{\"x\":2}}\n");
  EXPECT_THROW(merge_sweep_parts({a}), InputError);            // point 1 missing
  EXPECT_THROW(merge_sweep_parts({a, b, b}), InputError);      // twice
  EXPECT_THROW(merge_sweep_parts({a, other}), InputError);     // another sweep
  EXPECT_THROW(merge_sweep_parts({}), InputError);
}

}  // namespace
}  // namespace migsim::experiments
