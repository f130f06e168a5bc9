#pragma once
// A LiveCluster in memory for the controller's unit tests: hosts hold domains
// (state, reason, cpu.time advancing with each VM's set load), a host can stop
// answering, and each migration blocks in its job thread until the test settles
// it (ok: the domain moves; failed: the source is left as the test says).
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "live/live_cluster.hpp"
#include "sim/input_error.hpp"

namespace migsim::live::testing {

class FakeLiveCluster : public LiveCluster {
 public:
  struct Vm {
    std::string name;
    int state = kStateRunning, reason = 0;
    double load = 0.1;      // fraction of its one vCPU
    double cpu_s = 0.0;     // cpu.time so far
  };
  struct Outcome {
    bool ok = true;
    std::string error;
    int source_state = kStatePaused, source_reason = kPausedMigration;  // a failed one leaves the source so
  };

  explicit FakeLiveCluster(int hosts, double cpus = 4) {
    for (int h = 0; h < hosts; ++h) {
      hosts_.push_back({std::string("h") + static_cast<char>('a' + h), cpus, 16384});
    }
    vms_.resize(static_cast<std::size_t>(hosts));
    down_.assign(static_cast<std::size_t>(hosts), false);
  }

  // ---- the test's hands ----
  void add(int h, const std::string& name, double load) {
    std::lock_guard<std::mutex> l(mu_);
    vms_[static_cast<std::size_t>(h)].push_back({name, kStateRunning, 0, load, 0.0});
  }
  void remove(const std::string& name) {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& list : vms_) std::erase_if(list, [&](const Vm& v) { return v.name == name; });
  }
  void set_down(int h, bool down) {
    std::lock_guard<std::mutex> l(mu_);
    down_[static_cast<std::size_t>(h)] = down;
  }
  // Advances every running VM's cpu.time by dt seconds at its load.
  void advance(double dt) {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& list : vms_) {
      for (auto& v : list) {
        if (v.state == kStateRunning) v.cpu_s += v.load * dt;
      }
    }
    clock_ += dt;
  }
  // Ends the migration of `name` (waiting until it has started).
  // false when it has not started within 10 s.
  bool settle(const std::string& name, Outcome o) {
    std::unique_lock<std::mutex> l(mu_);
    if (!cv_.wait_for(l, std::chrono::seconds(10), [&] { return in_flight_.count(name) != 0; })) return false;
    outcomes_[name] = std::move(o);
    cv_.notify_all();
    return true;
  }
  // Has the running migration of `name` send a notice (as a stalled job's
  // cancellation does) and waits until its job thread has sent it; false when
  // that does not happen within 10 s.
  bool notice(const std::string& name, const std::string& text) {
    std::unique_lock<std::mutex> l(mu_);
    if (!cv_.wait_for(l, std::chrono::seconds(10), [&] { return in_flight_.count(name) != 0; })) return false;
    const int before = notices_sent_;
    notices_[name] = text;
    cv_.notify_all();
    return cv_.wait_for(l, std::chrono::seconds(10), [&] { return notices_sent_ > before; });
  }
  // Fails every migration still waiting (the end of a test).
  void release_all() {
    std::lock_guard<std::mutex> l(mu_);
    closing_ = true;
    cv_.notify_all();
  }
  // Waits until `n` migrations are in their job threads.
  bool wait_in_flight(int n) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::seconds(10), [&] { return static_cast<int>(in_flight_.size()) >= n; });
  }
  std::optional<Vm> find(int h, const std::string& name) const {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& v : vms_[static_cast<std::size_t>(h)]) {
      if (v.name == name) return v;
    }
    return std::nullopt;
  }
  int max_concurrent() const {
    std::lock_guard<std::mutex> l(mu_);
    return max_concurrent_;
  }
  std::vector<std::string> actions() const {
    std::lock_guard<std::mutex> l(mu_);
    return actions_;
  }
  // The requests migrate() was called with, in order.
  std::vector<LiveMigrationRequest> requests() const {
    std::lock_guard<std::mutex> l(mu_);
    return requests_;
  }
  int reconnect_attempts() const {
    std::lock_guard<std::mutex> l(mu_);
    return reconnects_;
  }
  void set_state(int h, const std::string& name, int state, int reason) {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& v : vms_[static_cast<std::size_t>(h)]) {
      if (v.name == name) {
        v.state = state;
        v.reason = reason;
      }
    }
  }

  // ---- LiveCluster ----
  int host_count() const override { return static_cast<int>(hosts_.size()); }
  const ViewHost& host(int h) const override { return hosts_[static_cast<std::size_t>(h)]; }
  std::vector<LiveDomain> domains(int h) override {
    std::lock_guard<std::mutex> l(mu_);
    if (down_[static_cast<std::size_t>(h)]) throw EnvironmentError(hosts_[static_cast<std::size_t>(h)].name + ": client socket is closed");
    std::vector<LiveDomain> out;
    for (const auto& v : vms_[static_cast<std::size_t>(h)]) {
      LiveDomain d;
      d.name = v.name;
      d.state = v.state;
      d.reason = v.reason;
      d.stats.numbers = {{"state.state", v.state},     {"state.reason", v.reason},
                         {"cpu.time", v.cpu_s * 1e9},  {"vcpu.current", 1},
                         {"balloon.maximum", 262144}, {"balloon.rss", 131072}};
      out.push_back(std::move(d));
    }
    return out;
  }
  bool reconnect(int h) override {
    std::lock_guard<std::mutex> l(mu_);
    ++reconnects_;
    return !down_[static_cast<std::size_t>(h)];
  }
  void resume(int h, const std::string& d) override { act("resume", h, d, kStateRunning); }
  void destroy(int h, const std::string& d) override {
    std::lock_guard<std::mutex> l(mu_);
    actions_.push_back("destroy " + hosts_[static_cast<std::size_t>(h)].name + " " + d);
    std::erase_if(vms_[static_cast<std::size_t>(h)], [&](const Vm& v) { return v.name == d; });
  }
  void start_dirty_rate_calc(int, const std::string&) override {}
  void abort_migration(int h, const std::string& d) override {
    std::lock_guard<std::mutex> l(mu_);
    actions_.push_back("abort " + hosts_[static_cast<std::size_t>(h)].name + " " + d);
    // Also when its job thread has not reached migrate() yet: it finds the outcome there.
    outcomes_[d] = Outcome{false, "operation aborted: migration out job: canceled by client", kStateRunning, 0};
    cv_.notify_all();
  }
  LiveMigrationReport migrate(int from, int to, const LiveMigrationRequest& req, const NoticeFn& notice) override {
    std::unique_lock<std::mutex> l(mu_);
    requests_.push_back(req);
    LiveMigrationReport rep;
    rep.domain = req.domain;
    auto& src = vms_[static_cast<std::size_t>(from)];
    auto it = std::find_if(src.begin(), src.end(), [&](const Vm& v) { return v.name == req.domain; });
    if (it == src.end()) {
      rep.error = "domain '" + req.domain + "' is not running";
      return rep;
    }
    in_flight_.insert(req.domain);
    max_concurrent_ = std::max(max_concurrent_, static_cast<int>(in_flight_.size()));
    cv_.notify_all();
    for (;;) {
      cv_.wait(l, [&] { return closing_ || outcomes_.count(req.domain) != 0 || notices_.count(req.domain) != 0; });
      const auto n = notices_.find(req.domain);
      if (n == notices_.end()) break;
      const std::string text = n->second;
      notices_.erase(n);
      l.unlock();
      if (notice) notice(text);  // from the job thread, as live_migrate does
      l.lock();
      ++notices_sent_;
      cv_.notify_all();
    }
    const Outcome o = closing_ ? Outcome{false, "test over", kStateRunning, 0} : outcomes_[req.domain];
    outcomes_.erase(req.domain);
    in_flight_.erase(req.domain);
    // The domain may have been destroyed meanwhile.
    auto& src2 = vms_[static_cast<std::size_t>(from)];
    it = std::find_if(src2.begin(), src2.end(), [&](const Vm& v) { return v.name == req.domain; });
    if (it == src2.end()) {
      rep.error = "operation failed: domain is no longer running";
      return rep;
    }
    rep.ok = o.ok;
    rep.error = o.error;
    if (o.ok) {
      Vm moved = *it;
      src2.erase(it);
      vms_[static_cast<std::size_t>(to)].push_back(moved);
      rep.total_ms = 1000;
    } else {
      it->state = o.source_state;
      it->reason = o.source_reason;
    }
    return rep;
  }

 private:
  void act(const char* what, int h, const std::string& d, int state) {
    std::lock_guard<std::mutex> l(mu_);
    actions_.push_back(std::string(what) + " " + hosts_[static_cast<std::size_t>(h)].name + " " + d);
    for (auto& v : vms_[static_cast<std::size_t>(h)]) {
      if (v.name == d) {
        v.state = state;
        v.reason = 0;
      }
    }
  }
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ViewHost> hosts_;
  std::vector<std::vector<Vm>> vms_;
  std::vector<bool> down_;
  std::set<std::string> in_flight_;
  std::map<std::string, Outcome> outcomes_;
  std::map<std::string, std::string> notices_;  // domain -> notice its migrate() sends next
  int notices_sent_ = 0;
  std::vector<std::string> actions_;
  std::vector<LiveMigrationRequest> requests_;
  int max_concurrent_ = 0, reconnects_ = 0;
  double clock_ = 0;
  bool closing_ = false;
};

}  // namespace migsim::live::testing
