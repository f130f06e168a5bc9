#include "live/libvirt_live_cluster.hpp"

#include "sim/input_error.hpp"

namespace migsim::live {

namespace {

int stat_int(const traces::StatValues& s, const char* key, int fallback) {
  const auto it = s.numbers.find(key);
  return it == s.numbers.end() ? fallback : static_cast<int>(it->second);
}

}  // namespace

LibvirtLiveCluster::LibvirtLiveCluster(const std::vector<std::string>& uris, bool read_only, double host_cpus,
                                       double host_ram_mib)
    : read_only_(read_only) {
  for (const auto& uri : uris) {
    Host h;
    h.uri = uri;
    h.conn = std::make_unique<LibvirtConnection>(uri, read_only);
    const NodeSummary n = h.conn->node();
    h.view = {n.hostname, host_cpus > 0 ? host_cpus : n.cpus, host_ram_mib > 0 ? host_ram_mib : n.memory_kib / 1024.0};
    for (const auto& other : hosts_) {
      if (other.view.name == n.hostname) {
        throw InputError("--connect: two URIs reach the same host '" + n.hostname + "'");
      }
    }
    hosts_.push_back(std::move(h));
  }
}

const LibvirtConnection& LibvirtLiveCluster::conn(int h) {
  Host& host = hosts_[static_cast<std::size_t>(h)];
  if (!host.conn) throw EnvironmentError(host.uri + ": not connected (the host does not answer)");
  return *host.conn;
}

std::vector<LiveDomain> LibvirtLiveCluster::domains(int h) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<LiveDomain> out;
  try {
    for (auto& r : conn(h).active_domain_stats()) {
      LiveDomain d;
      d.name = r.name;
      d.state = stat_int(r.stats, "state.state", 0);
      d.reason = stat_int(r.stats, "state.reason", 0);
      d.stats = std::move(r.stats);
      out.push_back(std::move(d));
    }
  } catch (const EnvironmentError&) {
    hosts_[static_cast<std::size_t>(h)].conn.reset();  // dead: reopened by reconnect()
    throw;
  }
  return out;
}

bool LibvirtLiveCluster::reconnect(int h) {
  std::lock_guard<std::mutex> lock(mu_);
  Host& host = hosts_[static_cast<std::size_t>(h)];
  host.conn.reset();
  try {
    auto c = std::make_unique<LibvirtConnection>(host.uri, read_only_);
    if (c->node().hostname != host.view.name) return false;  // another host on that address
    host.conn = std::move(c);
    return true;
  } catch (const EnvironmentError&) {
    return false;
  }
}

void LibvirtLiveCluster::resume(int h, const std::string& domain) {
  std::lock_guard<std::mutex> lock(mu_);
  conn(h).resume(domain);
}

void LibvirtLiveCluster::destroy(int h, const std::string& domain) {
  std::lock_guard<std::mutex> lock(mu_);
  conn(h).destroy(domain);
}

void LibvirtLiveCluster::start_dirty_rate_calc(int h, const std::string& domain) {
  std::lock_guard<std::mutex> lock(mu_);
  conn(h).start_dirty_rate_calc(domain, 1);
}

void LibvirtLiveCluster::abort_migration(int h, const std::string& domain) {
  std::lock_guard<std::mutex> lock(mu_);
  conn(h).abort_job(domain);
}

LiveMigrationReport LibvirtLiveCluster::migrate(int from, int to, const LiveMigrationRequest& req,
                                               const NoticeFn& notice) {
  // Own connections (opened in the job thread): a migration can take minutes,
  // and a host that dies fails only the migrations that use it.
  const std::string& src_uri = hosts_[static_cast<std::size_t>(from)].uri;
  const std::string& dst_uri = hosts_[static_cast<std::size_t>(to)].uri;
  LiveMigrationReport rep;
  rep.domain = req.domain;
  rep.source_uri = src_uri;
  rep.dest_uri = dst_uri;
  LiveMigrationRequest own = req;
  own.check_after_failure = false;  // the controller checks every host itself
  try {
    return live_migrate(src_uri, dst_uri, own, {}, notice);
  } catch (const std::exception& e) {
    rep.ok = false;
    rep.error = e.what();
    return rep;
  }
}

}  // namespace migsim::live
