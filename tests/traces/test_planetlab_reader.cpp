#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
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


// A file longer than a chunk (a PlanetLab-style trace of many days) is checked
// whole up front, then streamed chunk by chunk: the values are bit for bit
// those of the file held whole, across chunk boundaries, line endings and a
// non-percent value in a later chunk, forward, back (rewind) and past the end;
// only a chunk of samples is kept.
TEST(PlanetLabReader, LongFilesStreamInChunksWithTheSameValues) {
  TempDir d;
  std::string plain, crlf, fraction;
  for (int i = 0; i < 1000; ++i) {
    plain += std::to_string((i * 37) % 101) + "\n";
    crlf += ' ';
    crlf += std::to_string((i * 13) % 101);
    crlf += "\t\r\n";
    fraction += (i == 700 ? std::string("12.25") : std::to_string(i % 7)) + "\n";
  }
  d.write("a", plain + "junk after the samples\n");
  d.write("b", crlf);
  d.write("c", fraction.substr(0, fraction.size() - 1));  // no newline at the end
  traces::PlanetLabOptions o;
  o.samples = 1000;
  o.chunk_samples = 64;
  auto streamed = traces::read_planetlab_day(d.path.string(), o);
  ASSERT_EQ(streamed.size(), 3u);
  const std::string texts[] = {plain, crlf, fraction};
  auto same = [](double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); };
  for (std::size_t i = 0; i < 3; ++i) {
    const sim::UtilizationSeries whole = traces::parse_planetlab_file(streamed[i].name(), texts[i], o);
    sim::UtilizationSeries& s = streamed[i];
    EXPECT_TRUE(s.streamed()) << s.name();
    EXPECT_EQ(s.size(), 1000u);
    EXPECT_LE(s.sample_bytes(), 64u * 8 + 400);
    for (double t = 0; t < 1002 * 300.0; t += 61.7) ASSERT_TRUE(same(s.at(t), whole.at(t))) << s.name() << " t=" << t;
    for (double t : {0.0, 150.0, 700 * 300.0, 100 * 300.0 + 0.1, 1e9}) {
      ASSERT_TRUE(same(s.at(t), whole.at(t))) << s.name() << " t=" << t;
    }
    EXPECT_EQ(s.samples(), whole.samples());
  }
  EXPECT_LE(streamed[0].sample_bytes(), 64u + 400);  // integer percent: one byte per sample in the chunk

  // A short file or a bad line anywhere is an error up front, naming file and line.
  d.write("d", lines(999, 5));
  std::string msg = expect_input_error([&] { traces::read_planetlab_day(d.path.string(), o); });
  EXPECT_NE(msg.find("/d: has 999 samples, expected 1000"), std::string::npos) << msg;
  d.write("d", lines(900, 5) + "x\n" + lines(99, 5));
  msg = expect_input_error([&] { traces::read_planetlab_day(d.path.string(), o); });
  EXPECT_NE(msg.find("/d:901: expected a CPU utilisation in percent"), std::string::npos) << msg;
  fs::remove(d.path / "d");

  // A file cut short after it was checked: the chunk that is missing says so.
  auto again = traces::read_planetlab_day(d.path.string(), o);
  d.write("a", lines(100, 5));
  msg = expect_input_error([&] { again[0].at(500 * 300.0); });
  EXPECT_NE(msg.find("/a: has "), std::string::npos) << msg;
  EXPECT_NE(msg.find(" samples, expected 1000"), std::string::npos) << msg;
}
