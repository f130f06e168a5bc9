#pragma once
// libvirt domain stats -> the simulator's view of a cluster. Both `migsim replay`
// (from a captured trace) and `migsim control` (from live stats) turn libvirt
// samples into VM utilisation, memory and dirty rates with these functions, and
// build the sim::Placement snapshot that the consolidation policies read.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/placement.hpp"
#include "sim/power_curve.hpp"
#include "traces/libvirt_trace.hpp"

namespace migsim::traces {

inline constexpr double kMipsPerCpu = 1000.0;  // one host CPU / one vCPU = 1000 MIPS

struct ViewHost {
  std::string name;
  double cpus = 1.0;
  double ram_mib = 0.0;
};

struct ViewVm {
  std::string name;
  int host = -1;                   // index into the hosts
  double vcpus = 1.0;
  double ram_mib = 0.0;            // balloon.maximum (KiB) / 1024
  double util = 0.0;               // CPU utilisation of its vCPUs, [0, 1]
  std::vector<double> history;     // utilisation samples, oldest first
  double dirty_pages_per_sec = 0;  // last page-sampling measurement
  double wss_mib = 0;              // estimated working set (for the pre-copy model)
};

// cpu.time deltas -> utilisation. Keyed by (host, domain): a migrated domain
// starts a new QEMU process (and cpu.time) on its new host.
// virDomainState values (libvirt-domain.h) a sample's "state.state" may hold.
inline constexpr double kDomainShutoff = 5;
inline constexpr double kDomainCrashed = 6;

class CpuUsageMeter {
 public:
  // Utilisation of the domain's vCPUs between its previous sample on the same
  // host and this one (cpu.time counts every QEMU thread, so it is capped at 1);
  // nullopt for the first sample and for a shut-off or crashed domain (whose
  // next run starts a new count). Errors (InputError) name `where`: a missing
  // cpu.time, cpu.time going backwards while the domain runs.
  std::optional<double> update(const DomainSample& s, const std::string& where);

 private:
  std::map<std::pair<std::string, std::string>, std::pair<double, double>> last_;  // t, ns
  std::map<std::string, std::string> last_host_;  // domain -> host of its previous sample
};

// Field readers with errors naming `where` (file:line or the URI).
double sample_vcpus(const DomainSample& s, const std::string& where);
double sample_ram_mib(const DomainSample& s, const std::string& where);
// The dirty rate (pages/s) of a finished page-sampling measurement whose start
// time differs from `last_start` (updated), or nullopt.
std::optional<double> new_dirty_rate(const DomainSample& s, double& last_start);

// The snapshot the policies read: every VM on its host with its current demand,
// its utilisation history, its RAM and dirty rate (for the admission control's
// downtime predictions). `power` is every host's power curve.
sim::Placement make_placement(const std::vector<ViewHost>& hosts, const std::vector<ViewVm>& vms,
                              std::shared_ptr<const sim::PowerCurve> power, int history_length = 30);

}  // namespace migsim::traces
