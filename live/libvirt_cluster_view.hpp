#pragma once
// The live controller's view of a libvirt cluster: its hosts and VMs (from live
// domain stats, read with traces/libvirt_sample_readers.hpp) and the
// sim::Placement snapshot that the consolidation policies read.
#include <memory>
#include <string>
#include <vector>

#include "sim/placement.hpp"
#include "sim/power_curve.hpp"
#include "traces/libvirt_sample_readers.hpp"

namespace migsim::live {

inline constexpr int kViewHistoryLength = 30;  // utilisation samples kept per VM

struct ViewHost {
  std::string name;
  double cpus = 1.0;
  double ram_mib = 0.0;
};

struct ViewVm {
  std::string name;
  int host = -1;                   // index into the hosts
  int migrating_to = -1;           // target host of its migration in flight, or -1
  double vcpus = 1.0;
  double ram_mib = 0.0;            // balloon.maximum (KiB) / 1024
  double util = 0.0;               // CPU utilisation of its vCPUs, [0, 1]
  std::vector<double> history;     // utilisation samples, oldest first (kViewHistoryLength)
  double dirty_pages_per_sec = 0;  // last page-sampling measurement
  double wss_mib = 0;              // estimated working set (for the pre-copy model)
};

// One live sample of the VM's domain: its vCPUs, RAM, working set (balloon.rss,
// at most its RAM), utilisation (from cpu.time deltas, `meter`; appended to its
// history) and a newly finished dirty-rate measurement (`last_dirty_start`, see
// traces::new_dirty_rate). Errors (InputError) name `where`.
void update_view_vm(ViewVm& vm, const traces::DomainSample& s, traces::CpuUsageMeter& meter,
                    double& last_dirty_start, const std::string& where);

// The snapshot the policies read: every VM on its host with its current demand,
// its utilisation history, its RAM and dirty rate (for the admission control's
// downtime predictions). A VM with a migration in flight is on its host and
// migrating in on its target (as in the cluster engine), so that admission
// control counts it. `power` is every host's power curve.
sim::Placement make_placement(const std::vector<ViewHost>& hosts, const std::vector<ViewVm>& vms,
                              std::shared_ptr<const sim::PowerCurve> power,
                              int history_length = kViewHistoryLength);

}  // namespace migsim::live
