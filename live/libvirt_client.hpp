#pragma once
// A small C++ face on the libvirt C API (the only code that includes its headers,
// with live/libvirt_migration.cpp), for capture, live-migrate and control:
// connections, bulk domain stats, job stats, dirty-rate measurement, migration.
// libvirt errors become EnvironmentError (unreachable URI, failed call) or
// InputError (unknown domain) with libvirt's own message.
#include <string>
#include <vector>

#include "traces/libvirt_trace.hpp"

// Opaque libvirt handles (libvirt/libvirt.h) so that users of this header need
// no libvirt headers.
struct _virConnect;
struct _virDomain;
struct _virTypedParameter;

namespace migsim::live {

struct DomainStatsRecord {
  std::string name, uuid;
  traces::StatValues stats;
};

// Job stats (virDomainGetJobStats) of one domain. type: 0 none, 1 bounded,
// 2 unbounded (a running migration), 3 completed, 4 failed, 5 cancelled.
struct JobStatsRecord {
  int type = 0;
  traces::StatValues stats;
  bool active() const { return type == 1 || type == 2; }
};

struct NodeSummary {
  std::string hostname;
  double cpus = 0.0;
  double memory_kib = 0.0;
};

class LibvirtConnection {
 public:
  // Opens `uri`; read_only uses virConnectOpenReadOnly. Throws EnvironmentError
  // ("cannot connect to 'URI': <libvirt's reason>").
  LibvirtConnection(const std::string& uri, bool read_only);
  ~LibvirtConnection();
  LibvirtConnection(LibvirtConnection&& other) noexcept;
  LibvirtConnection& operator=(LibvirtConnection&&) = delete;
  LibvirtConnection(const LibvirtConnection&) = delete;
  LibvirtConnection& operator=(const LibvirtConnection&) = delete;

  const std::string& uri() const { return uri_; }
  bool read_only() const { return read_only_; }
  NodeSummary node() const;
  bool alive() const;

  // Every domain's stats (state, cpu-total, balloon, vcpu, interface, block,
  // dirtyrate) via virConnectGetAllDomainStats. `running_only` skips shut-off ones.
  std::vector<DomainStatsRecord> all_domain_stats(bool running_only) const;
  // The same for every active domain (running, paused, ...): state.state tells which.
  std::vector<DomainStatsRecord> active_domain_stats() const;
  std::vector<std::string> domain_names(bool running_only) const;
  bool has_domain(const std::string& name) const;

  // Job stats; `completed` asks for the last completed job's stats (kept for
  // later readers). Throws InputError if the domain is unknown.
  JobStatsRecord job_stats(const std::string& domain, bool completed) const;
  // Starts a page-sampling dirty-rate measurement (never dirty-bitmap: it
  // crashes QEMU 7.2). Needs a read-write connection.
  void start_dirty_rate_calc(const std::string& domain, int seconds) const;
  double max_downtime_ms(const std::string& domain) const;
  void set_max_downtime_ms(const std::string& domain, double ms) const;
  double max_speed_mibps(const std::string& domain) const;  // read-write connection only
  // Repairs after a failed migration and cancelling one (read-write connection;
  // EnvironmentError on failure): virDomainResume, virDomainDestroy, virDomainAbortJob.
  void resume(const std::string& domain) const;
  void destroy(const std::string& domain) const;
  void abort_job(const std::string& domain) const;

  _virConnect* raw() const { return conn_; }
  // The domain handle (caller frees with virDomainFree via DomainHandle).
  _virDomain* lookup(const std::string& domain) const;

 private:
  std::vector<DomainStatsRecord> domain_stats(unsigned int flags) const;
  std::string uri_;
  bool read_only_ = false;
  _virConnect* conn_ = nullptr;
};

// Owns a virDomainPtr.
class DomainHandle {
 public:
  DomainHandle(const LibvirtConnection& conn, const std::string& name);
  ~DomainHandle();
  DomainHandle(const DomainHandle&) = delete;
  DomainHandle& operator=(const DomainHandle&) = delete;
  _virDomain* get() const { return dom_; }

 private:
  _virDomain* dom_ = nullptr;
};

// Numbers and strings of a typed-parameter list, under libvirt's field names.
traces::StatValues stats_from_typed_params(const _virTypedParameter* params, int n);

// libvirt's message for the last failed call in this thread.
std::string libvirt_last_error();

}  // namespace migsim::live
