#include "live/libvirt_client.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <mutex>
#include <thread>

#include "sim/input_error.hpp"

namespace migsim::live {

namespace {

// libvirt prints every error to stderr by default; we report them ourselves.
void silent_error_handler(void*, virErrorPtr) {}

// Keepalive probes on every connection (as virsh sets them): a host whose network goes
// silent (a link down, packets dropped: no RST) fails the calls waiting on it after about
// interval x count seconds instead of TCP's retransmission timeout (~15 min).
constexpr int kKeepAliveIntervalS = 5;
constexpr unsigned kKeepAliveCount = 6;

void init_libvirt_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    virInitialize();
    virSetErrorFunc(nullptr, silent_error_handler);
    // Keepalive needs libvirt's event loop, run by a thread of its own for the process's life.
    if (virEventRegisterDefaultImpl() == 0) {
      std::thread([] {
        while (virEventRunDefaultImpl() == 0) {
        }
      }).detach();
    }
  });
}

}  // namespace

traces::StatValues stats_from_typed_params(const _virTypedParameter* params, int n) {
  traces::StatValues s;
  for (int i = 0; i < n; ++i) {
    const virTypedParameter& p = params[i];
    switch (p.type) {
      case VIR_TYPED_PARAM_INT: s.numbers[p.field] = p.value.i; break;
      case VIR_TYPED_PARAM_UINT: s.numbers[p.field] = p.value.ui; break;
      case VIR_TYPED_PARAM_LLONG: s.numbers[p.field] = static_cast<double>(p.value.l); break;
      case VIR_TYPED_PARAM_ULLONG: s.numbers[p.field] = static_cast<double>(p.value.ul); break;
      case VIR_TYPED_PARAM_DOUBLE: s.numbers[p.field] = p.value.d; break;
      case VIR_TYPED_PARAM_BOOLEAN: s.numbers[p.field] = p.value.b ? 1.0 : 0.0; break;
      case VIR_TYPED_PARAM_STRING:
        if (p.value.s) s.strings[p.field] = p.value.s;
        break;
      default: break;
    }
  }
  return s;
}

namespace {

bool is_no_domain_error() {
  const virErrorPtr e = virGetLastError();
  return e && e->code == VIR_ERR_NO_DOMAIN;
}

}  // namespace

std::string libvirt_last_error() {
  const char* m = virGetLastErrorMessage();
  return m ? m : "unknown libvirt error";
}

LibvirtConnection::LibvirtConnection(const std::string& uri, bool read_only)
    : uri_(uri), read_only_(read_only) {
  init_libvirt_once();
  conn_ = read_only ? virConnectOpenReadOnly(uri.c_str()) : virConnectOpen(uri.c_str());
  if (!conn_) {
    throw EnvironmentError("cannot connect to '" + uri + "': " + libvirt_last_error());
  }
  (void)virConnectSetKeepAlive(conn_, kKeepAliveIntervalS, kKeepAliveCount);  // 1: peer lacks it
}

LibvirtConnection::~LibvirtConnection() {
  if (conn_) virConnectClose(conn_);
}

LibvirtConnection::LibvirtConnection(LibvirtConnection&& other) noexcept
    : uri_(std::move(other.uri_)), read_only_(other.read_only_), conn_(other.conn_) {
  other.conn_ = nullptr;
}

NodeSummary LibvirtConnection::node() const {
  NodeSummary n;
  char* h = virConnectGetHostname(conn_);
  if (!h) throw EnvironmentError(uri_ + ": cannot get the hostname: " + libvirt_last_error());
  n.hostname = h;
  free(h);
  virNodeInfo info;
  if (virNodeGetInfo(conn_, &info) == 0) {
    n.cpus = info.cpus;
    n.memory_kib = static_cast<double>(info.memory);
  }
  return n;
}

bool LibvirtConnection::alive() const { return virConnectIsAlive(conn_) == 1; }

std::vector<DomainStatsRecord> LibvirtConnection::all_domain_stats(bool running_only) const {
  return domain_stats(running_only ? static_cast<unsigned int>(VIR_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING) : 0u);
}

std::vector<DomainStatsRecord> LibvirtConnection::active_domain_stats() const {
  return domain_stats(static_cast<unsigned int>(VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE));
}

std::vector<DomainStatsRecord> LibvirtConnection::domain_stats(unsigned int flags) const {
  const unsigned int groups = VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |
                              VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU |
                              VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK |
                              VIR_DOMAIN_STATS_DIRTYRATE;
  virDomainStatsRecordPtr* recs = nullptr;
  const int n = virConnectGetAllDomainStats(conn_, groups, &recs, flags);
  if (n < 0) {
    throw EnvironmentError(uri_ + ": virConnectGetAllDomainStats failed: " + libvirt_last_error());
  }
  std::vector<DomainStatsRecord> out;
  for (int i = 0; i < n; ++i) {
    DomainStatsRecord r;
    r.name = virDomainGetName(recs[i]->dom);
    char uuid[VIR_UUID_STRING_BUFLEN];
    if (virDomainGetUUIDString(recs[i]->dom, uuid) == 0) r.uuid = uuid;
    r.stats = stats_from_typed_params(recs[i]->params, recs[i]->nparams);
    out.push_back(std::move(r));
  }
  virDomainStatsRecordListFree(recs);
  return out;
}

std::vector<std::string> LibvirtConnection::domain_names(bool running_only) const {
  virDomainPtr* doms = nullptr;
  const unsigned int flags = running_only ? static_cast<unsigned int>(VIR_CONNECT_LIST_DOMAINS_ACTIVE) : 0u;
  const int n = virConnectListAllDomains(conn_, &doms, flags);
  if (n < 0) throw EnvironmentError(uri_ + ": cannot list domains: " + libvirt_last_error());
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) {
    names.emplace_back(virDomainGetName(doms[i]));
    virDomainFree(doms[i]);
  }
  free(doms);
  return names;
}

bool LibvirtConnection::has_domain(const std::string& name) const {
  virDomainPtr d = virDomainLookupByName(conn_, name.c_str());
  if (!d) return false;
  virDomainFree(d);
  return true;
}

_virDomain* LibvirtConnection::lookup(const std::string& domain) const {
  virDomainPtr d = virDomainLookupByName(conn_, domain.c_str());
  if (!d) {
    if (is_no_domain_error()) {
      throw InputError("no domain '" + domain + "' on " + uri_);
    }
    throw EnvironmentError(uri_ + ": cannot look up domain '" + domain +
                           "': " + libvirt_last_error());
  }
  return d;
}

DomainHandle::DomainHandle(const LibvirtConnection& conn, const std::string& name)
    : dom_(conn.lookup(name)) {}

DomainHandle::~DomainHandle() {
  if (dom_) virDomainFree(dom_);
}

JobStatsRecord LibvirtConnection::job_stats(const std::string& domain, bool completed) const {
  DomainHandle d(*this, domain);
  int type = 0;
  virTypedParameterPtr params = nullptr;
  int n = 0;
  const unsigned int flags =
      completed ? (VIR_DOMAIN_JOB_STATS_COMPLETED | VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED) : 0;
  if (virDomainGetJobStats(d.get(), &type, &params, &n, flags) < 0) {
    throw EnvironmentError(uri_ + ": job stats of '" + domain + "': " + libvirt_last_error());
  }
  JobStatsRecord r;
  r.type = type;
  r.stats = stats_from_typed_params(params, n);
  virTypedParamsFree(params, n);
  return r;
}

void LibvirtConnection::start_dirty_rate_calc(const std::string& domain, int seconds) const {
  DomainHandle d(*this, domain);
  if (virDomainStartDirtyRateCalc(d.get(), seconds, VIR_DOMAIN_DIRTYRATE_MODE_PAGE_SAMPLING) < 0) {
    throw EnvironmentError(uri_ + ": dirty-rate measurement of '" + domain +
                           "': " + libvirt_last_error());
  }
}

double LibvirtConnection::max_downtime_ms(const std::string& domain) const {
  DomainHandle d(*this, domain);
  unsigned long long ms = 0;
  if (virDomainMigrateGetMaxDowntime(d.get(), &ms, 0) < 0) {
    throw EnvironmentError(uri_ + ": max downtime of '" + domain + "': " + libvirt_last_error());
  }
  return static_cast<double>(ms);
}

void LibvirtConnection::set_max_downtime_ms(const std::string& domain, double ms) const {
  DomainHandle d(*this, domain);
  if (virDomainMigrateSetMaxDowntime(d.get(), static_cast<unsigned long long>(ms), 0) < 0) {
    throw EnvironmentError(uri_ + ": cannot set the max downtime of '" + domain +
                           "': " + libvirt_last_error());
  }
}

double LibvirtConnection::max_speed_mibps(const std::string& domain) const {
  DomainHandle d(*this, domain);
  unsigned long bw = 0;
  if (virDomainMigrateGetMaxSpeed(d.get(), &bw, 0) < 0) {
    throw EnvironmentError(uri_ + ": max speed of '" + domain + "': " + libvirt_last_error());
  }
  return static_cast<double>(bw);
}

void LibvirtConnection::resume(const std::string& domain) const {
  DomainHandle d(*this, domain);
  if (virDomainResume(d.get()) < 0) {
    throw EnvironmentError(uri_ + ": cannot resume '" + domain + "': " + libvirt_last_error());
  }
}

void LibvirtConnection::destroy(const std::string& domain) const {
  DomainHandle d(*this, domain);
  if (virDomainDestroy(d.get()) < 0) {
    throw EnvironmentError(uri_ + ": cannot destroy '" + domain + "': " + libvirt_last_error());
  }
}

void LibvirtConnection::abort_job(const std::string& domain) const {
  DomainHandle d(*this, domain);
  if (virDomainAbortJob(d.get()) < 0) {
    throw EnvironmentError(uri_ + ": cannot abort the job of '" + domain + "': " + libvirt_last_error());
  }
}

}  // namespace migsim::live
