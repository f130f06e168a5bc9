#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "sim/input_error.hpp"
#include "traces/planetlab_reader.hpp"

using namespace migsim;
namespace fs = std::filesystem;

namespace {
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("migsim-pl-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
  }
};
std::string lines(int n, int value) {
  std::string s;
  for (int i = 0; i < n; ++i) s += std::to_string(value) + "\n";
  return s;
}
std::string expect_input_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}
}  // namespace

TEST(PlanetLabReader, SortsByNameReadsPercentAsFractionsAndSkipsHiddenFiles) {
  TempDir d;
  d.write("b_node slice", lines(288, 50));   // a name with a space
  d.write("a_node", lines(300, 7));           // extra lines are ignored
  d.write("B_upper", lines(288, 100));        // byte order: 'B' < 'a'
  d.write(".hidden", "junk\n");
  const auto t = traces::read_planetlab_day(d.path.string());
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].name(), "B_upper");
  EXPECT_EQ(t[1].name(), "a_node");
  EXPECT_EQ(t[2].name(), "b_node slice");
  EXPECT_EQ(t[1].size(), 288u);
  EXPECT_DOUBLE_EQ(t[1].samples()[0], 0.07);
  EXPECT_DOUBLE_EQ(t[0].at(300), 1.0);
}

TEST(PlanetLabReader, InterpolatesLikeCloudSim) {
  std::string text;
  for (int i = 0; i < 288; ++i) text += std::to_string(i % 2 == 0 ? 10 : 40) + "\n";
  const auto s = traces::parse_planetlab_file("f", text);
  EXPECT_DOUBLE_EQ(s.at(0), 0.1);
  EXPECT_DOUBLE_EQ(s.at(300), 0.4);
  EXPECT_NEAR(s.at(150), 0.25, 1e-15);
  EXPECT_NEAR(s.at(300.1), 0.4 - 0.3 * 0.1 / 300, 1e-15);
  EXPECT_DOUBLE_EQ(s.at(287 * 300 + 100), 0.4);  // after the last sample it holds
}

TEST(PlanetLabReader, BadInputNamesFileAndLine) {
  TempDir d;
  std::string text = lines(10, 5) + "12x\n" + lines(277, 5);
  d.write("vm one", text);
  std::string msg = expect_input_error([&] { traces::read_planetlab_day(d.path.string()); });
  EXPECT_NE(msg.find("vm one:11"), std::string::npos) << msg;
  EXPECT_NE(msg.find("12x"), std::string::npos) << msg;

  d.write("vm one", lines(200, 5));
  msg = expect_input_error([&] { traces::read_planetlab_day(d.path.string()); });
  EXPECT_NE(msg.find("has 200 samples, expected 288"), std::string::npos) << msg;

  d.write("vm one", lines(5, 5) + "\n" + lines(283, 5));  // a gap
  msg = expect_input_error([&] { traces::read_planetlab_day(d.path.string()); });
  EXPECT_NE(msg.find("vm one:6"), std::string::npos) << msg;

  d.write("vm one", lines(287, 5) + "101\n");
  msg = expect_input_error([&] { traces::read_planetlab_day(d.path.string()); });
  EXPECT_NE(msg.find("vm one:288"), std::string::npos) << msg;

  msg = expect_input_error([&] { traces::read_planetlab_day((d.path / "nope").string()); });
  EXPECT_NE(msg.find("does not exist"), std::string::npos) << msg;
  fs::remove(d.path / "vm one");
  msg = expect_input_error([&] { traces::read_planetlab_day(d.path.string()); });
  EXPECT_NE(msg.find("no trace files"), std::string::npos) << msg;
}

