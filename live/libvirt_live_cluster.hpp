#pragma once
// The LiveCluster (live/live_cluster.hpp) of real libvirt hosts: one connection
// per host for reading and repairs (read-only in a dry run), reopened when the
// host comes back; each migration opens its own pair of connections in its job
// thread, so migrations in flight do not share a connection with the reads.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "live/libvirt_client.hpp"
#include "live/live_cluster.hpp"

namespace migsim::live {

class LibvirtLiveCluster : public LiveCluster {
 public:
  // Connects to every URI (EnvironmentError when one cannot be reached: the
  // controller needs every host once, to know it); `host_cpus` > 0 overrides
  // the CPUs libvirt reports, `host_ram_mib` > 0 its memory (a lab's hosts share one
  // machine). InputError when two URIs reach the same host.
  LibvirtLiveCluster(const std::vector<std::string>& uris, bool read_only, double host_cpus,
                     double host_ram_mib = 0.0);

  int host_count() const override { return static_cast<int>(hosts_.size()); }
  const ViewHost& host(int h) const override { return hosts_[static_cast<std::size_t>(h)].view; }
  std::vector<LiveDomain> domains(int h) override;
  bool reconnect(int h) override;
  void resume(int h, const std::string& domain) override;
  void destroy(int h, const std::string& domain) override;
  void start_dirty_rate_calc(int h, const std::string& domain) override;
  void abort_migration(int h, const std::string& domain) override;
  LiveMigrationReport migrate(int from, int to, const LiveMigrationRequest& req,
                              const NoticeFn& notice) override;

 private:
  struct Host {
    std::string uri;
    ViewHost view;
    std::unique_ptr<LibvirtConnection> conn;  // null while the host does not answer
  };
  const LibvirtConnection& conn(int h);
  std::vector<Host> hosts_;
  bool read_only_ = false;
  std::mutex mu_;  // abort_migration may come from another thread than the reads
};

}  // namespace migsim::live
