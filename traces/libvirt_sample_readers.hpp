#pragma once
// Reading libvirt domain samples (traces/libvirt_trace.hpp): CPU utilisation from
// cpu.time deltas, vCPUs, RAM and finished dirty-rate measurements. `migsim replay`
// (from a captured trace, traces/libvirt_trace_analysis.hpp) and the live
// controller (live/controller.hpp) read samples with these same functions.
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "traces/libvirt_trace.hpp"

namespace migsim::traces {

inline constexpr double kMipsPerCpu = 1000.0;  // one host CPU / one vCPU = 1000 MIPS

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

}  // namespace migsim::traces
