// What the live code computes without a libvirt daemon: the controller's view of
// a VM from its samples, the placement the policies read, a progress line.
#include <gtest/gtest.h>

#include <string>

#include "live/libvirt_cluster_view.hpp"
#include "live/libvirt_migration.hpp"
#include "models/power_model.hpp"
#include "sim/input_error.hpp"

using namespace migsim;

namespace {

traces::DomainSample sample(double t, double cpu_s) {
  traces::DomainSample s;
  s.t = t;
  s.host = "ha";
  s.domain = "d1";
  s.stats.numbers = {{"cpu.time", cpu_s * 1e9},
                     {"vcpu.current", 2},
                     {"balloon.maximum", 1024 * 1024},
                     {"balloon.rss", 2048 * 1024}};
  return s;
}

}  // namespace

TEST(LiveView, AVmFollowsItsSamplesAndKeepsTheLastThirtyUtilisations) {
  live::ViewVm vm;
  traces::CpuUsageMeter meter;
  double dirty_start = -1;
  live::update_view_vm(vm, sample(0, 0), meter, dirty_start, "uri");
  EXPECT_EQ(vm.vcpus, 2);
  EXPECT_EQ(vm.ram_mib, 1024);
  EXPECT_EQ(vm.wss_mib, 1024);  // balloon.rss (2 GiB, QEMU's own memory too) capped at the RAM
  EXPECT_TRUE(vm.history.empty());  // the first sample has no delta
  for (int t = 1; t <= 40; ++t) live::update_view_vm(vm, sample(t, 0.5 * t), meter, dirty_start, "uri");
  EXPECT_DOUBLE_EQ(vm.util, 0.25);  // 0.5 s of CPU per second over 2 vCPUs
  EXPECT_EQ(vm.history.size(), static_cast<std::size_t>(live::kViewHistoryLength));

  auto measured = sample(41, 20.5);
  measured.stats.numbers["dirtyrate.calc_status"] = 2;
  measured.stats.numbers["dirtyrate.calc_start_time"] = 39;
  measured.stats.numbers["dirtyrate.megabytes_per_second"] = 10;
  live::update_view_vm(vm, measured, meter, dirty_start, "uri");
  EXPECT_EQ(vm.dirty_pages_per_sec, 2560);
  EXPECT_EQ(dirty_start, 39);

  auto broken = sample(42, 21);
  broken.stats.numbers.erase("balloon.maximum");
  EXPECT_THROW(live::update_view_vm(vm, broken, meter, dirty_start, "uri"), InputError);
}

TEST(LiveView, ThePlacementHoldsTheVmsOnTheirHostsWithTheirDemand) {
  const std::vector<live::ViewHost> hosts = {{"ha", 2, 4096}, {"hb", 4, 8192}};
  std::vector<live::ViewVm> vms(3);
  vms[0].name = "on-a";
  vms[0].host = 0;
  vms[0].vcpus = 2;
  vms[0].util = 0.5;
  vms[0].ram_mib = 1024;
  vms[0].history = {0.25, 0.5};
  vms[1].name = "on-b";
  vms[1].host = 1;
  vms[1].util = 1.0;
  vms[1].ram_mib = 512;
  vms[2].name = "stopped";  // host -1: not placed
  vms[2].ram_mib = 512;
  const auto p = live::make_placement(hosts, vms, models::builtin_power_model("hp-ml110-g5"));
  EXPECT_EQ(p.host_of(0), 0);
  EXPECT_EQ(p.host_of(1), 1);
  EXPECT_EQ(p.host_of(2), -1);
  EXPECT_EQ(p.host(0).total_mips(), 2000);
  EXPECT_EQ(p.requested_mips_on(0), 1000);  // 0.5 of 2 vCPUs x 1000 MIPS
  EXPECT_EQ(p.requested_mips_on(1), 1000);
  ASSERT_EQ(p.history(0).size(), 2u);
  EXPECT_EQ(p.history(0)[0], 0.5);  // most recent first
}

TEST(LiveView, AProgressLineShowsTheJobInMiB) {
  live::JobSnapshot s;
  s.t_s = 1.5;
  s.stats.numbers = {{"memory_iteration", 2},
                     {"memory_processed", 64 * 1048576.0},
                     {"memory_remaining", 16 * 1048576.0},
                     {"memory_bps", 32 * 1048576.0},
                     {"memory_dirty_rate", 1200}};
  EXPECT_EQ(live::format_progress(s),
            "     1.5 s  iteration  2  processed     64.0 MiB  remaining     16.0 MiB     32.0 MiB/s"
            "  dirty    1200 pages/s  throttle   0%");
}
