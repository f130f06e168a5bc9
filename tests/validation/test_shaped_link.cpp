// The batch harness's network (issue 11): two namespaces joined by a veth pair,
// shaped with tc tbf; always removed, also when shaping fails; namespaces of a
// dead harness are collected. Needs root and iproute2: skipped (with the reason)
// where namespaces cannot be created at all.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "sim/input_error.hpp"
#include "tests/validation/netns_test_support.hpp"
#include "validation/command.hpp"
#include "validation/shaped_link.hpp"

namespace migsim::validation {
namespace {

using testing::netns_exists;

TEST(ShapedLink, CreatesAShapedVethPairAndRemovesIt) {
  SKIP_WITHOUT_NETNS();
  std::string src, dst;
  {
    ShapedLink link({250, 0});
    src = link.source_netns();
    dst = link.destination_netns();
    EXPECT_TRUE(netns_exists(src));
    EXPECT_TRUE(netns_exists(dst));
    const std::string q = run_checked({"tc", "-n", src, "qdisc", "show"}, "test");
    EXPECT_NE(q.find("tbf"), std::string::npos) << q;
    EXPECT_NE(q.find("250Mbit"), std::string::npos) << q;
    // Addressed and up (that the migration streams cross it is checked by the
    // real batch test: tc's byte counter against what QEMU sent).
    const std::string addr = run_checked({"ip", "-n", src, "-o", "addr", "show"}, "test");
    EXPECT_NE(addr.find(ShapedLink::source_ip() + "/30"), std::string::npos) << addr;
    const std::string peer = run_checked({"ip", "-n", dst, "-o", "addr", "show"}, "test");
    EXPECT_NE(peer.find(ShapedLink::destination_ip() + "/30"), std::string::npos) << peer;
    const std::string routes = run_checked({"ip", "-n", src, "route", "show"}, "test");
    EXPECT_EQ(routes.find("default"), std::string::npos) << "a route out of the namespace: " << routes;
    const nlohmann::json d = link.describe();
    EXPECT_EQ(d["rate_mbit"], 250);
    EXPECT_TRUE(d.contains("tc_stats")) << d.dump();
  }
  EXPECT_FALSE(netns_exists(src));
  EXPECT_FALSE(netns_exists(dst));
}

TEST(ShapedLink, AFailedShapingLeavesNothingBehind) {
  SKIP_WITHOUT_NETNS();
  // A delay netem refuses (beyond its 32-bit microsecond range) fails after both namespaces exist.
  try {
    ShapedLink link({100, 5e6});
    FAIL() << "accepted";
  } catch (const EnvironmentError& e) {
    EXPECT_NE(std::string(e.what()).find("netem"), std::string::npos) << e.what();
  }
  const std::string prefix = "msim-s" + std::to_string(::getpid()) + "-";
  for (const auto& f : std::filesystem::directory_iterator("/run/netns")) {
    const std::string n = f.path().filename().string();
    EXPECT_NE(n.rfind(prefix, 0), 0u) << "left behind: " << n;
    EXPECT_NE(n.rfind("msim-d" + std::to_string(::getpid()) + "-", 0), 0u) << "left behind: " << n;
  }
}

TEST(ShapedLink, CollectsTheNamespacesOfADeadHarness) {
  SKIP_WITHOUT_NETNS();
  // pid 2^22+1 is above the kernel's pid_max ceiling: no process can have it.
  const std::string stale = "msim-d4194305-0";
  run_checked({"ip", "netns", "add", stale}, "test");
  EXPECT_GE(ShapedLink::remove_stale(), 1);
  EXPECT_FALSE(netns_exists(stale));
}

}  // namespace
}  // namespace migsim::validation
