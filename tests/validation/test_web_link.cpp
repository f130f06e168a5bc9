// The web runs' network (issue 12 item 2): a namespace with a bridge and two taps, removed on
// destruction; namespaces of a dead harness are collected. Needs root and iproute2: skipped
// (with the reason) where namespaces cannot be created at all.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/validation/netns_test_support.hpp"
#include "validation/command.hpp"
#include "validation/shaped_link.hpp"
#include "validation/web_link.hpp"

namespace migsim::validation {
namespace {

using testing::netns_exists;

TEST(WebLink, BridgeWithTwoTapsAndTheClientAddressThenRemoved) {
  SKIP_WITHOUT_NETNS();
  std::string ns;
  {
    WebLink link;
    ns = link.netns();
    EXPECT_EQ(ns.rfind("msim-w" + std::to_string(::getpid()) + "-", 0), 0u) << ns;
    EXPECT_TRUE(netns_exists(ns));
    const std::string br = run_checked({"ip", "-n", ns, "-o", "link", "show", "master", "mwbr"}, "test");
    EXPECT_NE(br.find(WebLink::source_tap()), std::string::npos) << br;
    EXPECT_NE(br.find(WebLink::destination_tap()), std::string::npos) << br;
    const std::string addr = run_checked({"ip", "-n", ns, "-o", "-4", "addr", "show", "dev", "mwbr"}, "test");
    EXPECT_NE(addr.find(WebLink::client_ip() + "/24"), std::string::npos) << addr;
    EXPECT_EQ(link.guest_port(), "");  // no guest yet
    EXPECT_EQ(link.describe()["guest_ip"], WebLink::guest_ip());
  }
  EXPECT_FALSE(netns_exists(ns));
}

TEST(WebLink, CollectsTheNamespacesOfADeadHarness) {
  SKIP_WITHOUT_NETNS();
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);  // a pid nobody has now
  const std::string stale = "msim-w" + std::to_string(child) + "-0";
  run_checked({"ip", "netns", "add", stale}, "test");
  const std::string mine = "msim-w" + std::to_string(::getpid()) + "-99";
  run_checked({"ip", "netns", "add", mine}, "test");
  EXPECT_GE(WebLink::remove_stale(), 1);
  EXPECT_FALSE(netns_exists(stale));
  EXPECT_TRUE(netns_exists(mine));  // ours: kept
  run_command({"ip", "netns", "delete", mine});
}

TEST(WebLink, NicArgumentsGiveBothGuestsOneMac) {
  const auto a = WebLink::nic_args("mwsrc"), b = WebLink::nic_args("mwdst");
  ASSERT_EQ(a.size(), 4u);
  EXPECT_NE(a[1].find("ifname=mwsrc"), std::string::npos);
  EXPECT_NE(b[1].find("ifname=mwdst"), std::string::npos);
  EXPECT_EQ(a[3], b[3]);
  EXPECT_NE(a[3].find(WebLink::guest_mac()), std::string::npos);
}

}  // namespace
}  // namespace migsim::validation
