#include "live/capture.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "live/libvirt_client.hpp"
#include "live/reconnect_backoff.hpp"
#include "live/stop_signal.hpp"
#include "sim/input_error.hpp"
#include "traces/libvirt_trace.hpp"
#include "traces/utc_timestamp.hpp"

namespace migsim::live {

namespace {

double round_ms(double s) { return std::round(s * 1000.0) / 1000.0; }

struct Host {
  std::string name;
  std::unique_ptr<LibvirtConnection> ro;          // domain stats (sampling thread)
  // Job stats: read by this host's job thread, and by the other hosts' job
  // threads once per ended job (the incoming side's completed stats); replaced
  // on reconnect under Capture::mu_, used through a copy (jobs_of).
  std::shared_ptr<LibvirtConnection> jobs;
  std::unique_ptr<LibvirtConnection> rw;          // only to start dirty-rate measurements
  std::set<std::string> running;                  // running domains at the last tick
  std::set<std::string> in_job;                   // domains with an active job (under mu_)
  std::map<std::string, double> last_dirty_calc;  // domain -> t of the last calc started
  std::string uri;
  // The sampling thread's view of the host: when it stopped answering, the
  // domains of its last sample (each gets a gap record when it is back).
  bool up = true;
  double lost_at = 0.0;
  std::string lost_reason;
  ReconnectBackoff backoff;
  std::set<std::string> last_sampled;
  // The host's job thread: its connection state, the running domains at its
  // last poll, and the domains whose job stats failed (one event until they work).
  bool jobs_up = true;
  bool jobs_started = false;
  ReconnectBackoff jobs_backoff;
  std::set<std::string> job_stats_failing;
};

class Capture {
 public:
  Capture(const CaptureSettings& s, traces::TraceFileWriter& w, const std::function<void(const std::string&)>& note)
      : s_(s), w_(w), note_(note) {}

  CaptureResult run() {
    const double interval = s_.interval_s;
    const double job_interval = s_.job_interval_s;
    const double dirty_every = s_.dirtyrate_every_s;
    const int dirty_calc = s_.dirtyrate_calc_s;
    const double duration = s_.duration_s;

    traces::LibvirtTraceHeader h;
    h.created_utc = traces::utc_now_iso();
    h.tool = "migsim 0.1.0";
    h.interval_s = interval;
    h.job_interval_s = job_interval;
    h.dirtyrate_every_s = dirty_every;
    h.dirtyrate_calc_s = dirty_calc;
    std::set<std::string> names;
    for (const auto& uri : s_.uris) {
      Host host;
      host.uri = uri;
      host.backoff = ReconnectBackoff(s_.reconnect_initial_s, s_.reconnect_max_s);
      host.jobs_backoff = ReconnectBackoff(s_.reconnect_initial_s, s_.reconnect_max_s);
      host.ro = std::make_unique<LibvirtConnection>(uri, true);
      host.jobs = std::make_shared<LibvirtConnection>(uri, true);
      if (dirty_every > 0) host.rw = std::make_unique<LibvirtConnection>(uri, false);
      const NodeSummary n = host.ro->node();
      host.name = n.hostname;
      if (!names.insert(host.name).second) {
        throw InputError("--connect: two URIs reach the same host '" + host.name + "'");
      }
      h.hosts.push_back({n.hostname, uri, n.cpus, n.memory_kib});
      hosts_.push_back(std::move(host));
    }
    for (const auto& d : s_.domains) {
      bool found = false;
      for (const auto& host : hosts_) found = found || host.ro->has_domain(d);
      if (!found) throw InputError("--domain: no domain '" + d + "' on any --connect host");
    }
    w_.write_line(traces::header_line(h));

    using Clock = std::chrono::steady_clock;
    t0_ = Clock::now();
    // Job stats in their own threads (and connections), one per host: a slow
    // stats call during a migration (a busy QEMU monitor on either side) must
    // not stretch the <= job_interval cadence, nor another host's.
    std::atomic<bool> done{false};
    std::mutex error_mu;
    std::exception_ptr job_error;
    std::vector<std::thread> job_threads;
    const auto join_jobs = [&] {
      for (auto& t : job_threads) t.join();
      job_threads.clear();
    };
    for (auto& host : hosts_) {
      job_threads.emplace_back([&, hp = &host] {
        try {
          double next_poll = 0.0;
          while (!stop_requested() && !done) {
            poll_jobs(*hp);
            next_poll += job_interval;
            if (next_poll <= elapsed()) next_poll = elapsed() + job_interval;
            while (!stop_requested() && !done && elapsed() < next_poll) {
              std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
          }
        } catch (...) {
          std::lock_guard<std::mutex> lock(error_mu);
          if (!job_error) job_error = std::current_exception();
          done = true;
        }
      });
    }
    try {
      double next_sample = 0.0;
      while (!stop_requested() && !done) {
        if (duration > 0 && elapsed() >= duration) break;
        sample_all(dirty_every, dirty_calc);
        next_sample += interval;
        if (next_sample <= elapsed()) next_sample = elapsed() + interval;
        while (!stop_requested() && !done && elapsed() < next_sample) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
    } catch (...) {
      done = true;
      join_jobs();
      throw;
    }
    done = true;
    join_jobs();
    if (job_error) std::rethrow_exception(job_error);
    for (auto& host : hosts_) {
      if (!host.up) write_gaps(host, true);  // still away at the end
    }
    w_.finish();
    return {w_.lines(), w_.path(), stop_requested()};
  }

 private:
  // Writes one record; its t is taken under the lock, so t never goes backwards
  // in the file although two threads write.
  template <class Rec, class Fn>
  void emit(Rec rec, Fn line_of) {
    std::lock_guard<std::mutex> lock(mu_);
    rec.t = round_ms(elapsed());
    w_.write_line(line_of(rec));
  }
  bool in_job(Host& host, const std::string& d) {
    std::lock_guard<std::mutex> lock(mu_);
    return host.in_job.count(d) != 0;
  }
  void set_in_job(Host& host, const std::string& d, bool on) {
    std::lock_guard<std::mutex> lock(mu_);
    if (on) {
      host.in_job.insert(d);
    } else {
      host.in_job.erase(d);
    }
  }

  std::shared_ptr<LibvirtConnection> jobs_of(const Host& host) {
    std::lock_guard<std::mutex> lock(mu_);
    return host.jobs;
  }

  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  }
  bool wanted(const std::string& d) const {
    if (s_.domains.empty()) return true;
    for (const auto& x : s_.domains) {
      if (x == d) return true;
    }
    return false;
  }

  void event(const Host& host, const std::string& d, const std::string& what,
             nlohmann::json detail = nlohmann::json::object()) {
    traces::EventRecord e;
    e.host = host.name;
    e.domain = d;
    e.event = what;
    e.detail = std::move(detail);
    emit(std::move(e), [](const traces::EventRecord& r) { return traces::event_line(r); });
  }

  // One job-stats line: the stats libvirt gave and their job type.
  void emit_job(const Host& host, const std::string& d, const JobStatsRecord& js, bool completed) {
    traces::JobRecord j;
    j.host = host.name;
    j.domain = d;
    j.completed = completed;
    j.stats = js.stats;
    j.stats.numbers["job_type"] = js.type;
    emit(std::move(j), [](const traces::JobRecord& r) { return traces::job_line(r); });
  }

  void write_completed(Host& host, const std::string& d) {
    try {
      const JobStatsRecord c = jobs_of(host)->job_stats(d, true);
      if (c.type == 0 || c.stats.numbers.empty()) return;
      emit_job(host, d, c, true);
    } catch (const std::exception&) {
      // The domain is gone (undefined after migrating away): nothing to read.
    }
  }

  // The settings replay needs to predict the migration (libvirt's job stats lack them).
  nlohmann::json migration_settings(Host& host, const std::string& d) {
    nlohmann::json j = nlohmann::json::object();
    try {
      j["max_downtime_ms"] = jobs_of(host)->max_downtime_ms(d);
      std::lock_guard<std::mutex> lock(rw_mu_);
      if (host.rw) {
        const double bw = host.rw->max_speed_mibps(d);
        // libvirt reports "unlimited" as a huge number (LLONG_MAX bytes in MiB).
        j["max_speed_mibps"] = bw >= 1e9 ? 0.0 : bw;
      }
    } catch (const std::exception&) {
    }
    return j;
  }

  // After a job ends on one host: its completed stats there, and the incoming
  // side's completed stats on every other host where the domain now is.
  void job_ended(Host& host, const std::string& d) {
    set_in_job(host, d, false);
    event(host, d, "job-ended");
    write_completed(host, d);
    for (auto& other : hosts_) {
      if (&other == &host) continue;
      bool there = false;
      try {
        there = jobs_of(other)->has_domain(d);
      } catch (const std::exception&) {
        // That host is away (its own thread reconnects): no completed stats from it.
      }
      if (there) write_completed(other, d);
    }
  }

  // One job-stats call; a failure of a domain that still exists, or a call
  // slower than the job cadence, is an event in the trace (a failure once,
  // until the domain's stats work again), so that missing job records are
  // explained. A domain gone between the listing and the call is no failure.
  std::optional<JobStatsRecord> job_stats(Host& host, LibvirtConnection& conn, const std::string& d) {
    const double t0 = elapsed();
    try {
      JobStatsRecord js = conn.job_stats(d, false);
      const double took = elapsed() - t0;
      if (took > s_.job_interval_s) event(host, d, "job-stats-slow", {{"seconds", round_ms(took)}});
      host.job_stats_failing.erase(d);
      return js;
    } catch (const std::exception& e) {
      bool exists = false;
      try {
        exists = conn.has_domain(d);
      } catch (const std::exception&) {
      }
      if (exists && host.job_stats_failing.insert(d).second) {
        event(host, d, "job-stats-failed", {{"error", e.what()}, {"seconds", round_ms(elapsed() - t0)}});
      }
      return std::nullopt;
    }
  }

  void poll_jobs(Host& host) {
    const double t = elapsed();
    if (!host.jobs_up) {
      // The sampling thread reports the loss and writes the gap; this thread
      // only reopens its own connection, on its own schedule.
      if (!host.jobs_backoff.due(t)) return;
      try {
        auto conn = std::make_shared<LibvirtConnection>(host.uri, true);
        std::lock_guard<std::mutex> lock(mu_);
        host.jobs = std::move(conn);
      } catch (const EnvironmentError&) {
        host.jobs_backoff.failed(t);
        return;
      }
      host.jobs_up = true;
    }
    const std::shared_ptr<LibvirtConnection> conn = jobs_of(host);
    std::vector<std::string> now_running;
    try {
      now_running = conn->domain_names(true);
    } catch (const EnvironmentError&) {
      host.jobs_up = false;
      host.jobs_backoff.lost(t);
      host.jobs_backoff.failed(t);
      return;
    }
    const std::set<std::string> now(now_running.begin(), now_running.end());
    for (const auto& d : now) {
      if (!wanted(d)) continue;
      if (!host.running.count(d) && host.jobs_started) {
        event(host, d, "domain-appeared");
      }
      const std::optional<JobStatsRecord> js = job_stats(host, *conn, d);
      if (!js) continue;
      if (js->active()) {
        if (!in_job(host, d)) event(host, d, "job-started", migration_settings(host, d));
        set_in_job(host, d, true);
        emit_job(host, d, *js, false);
      } else if (in_job(host, d)) {
        job_ended(host, d);
      }
    }
    for (const auto& d : host.running) {
      if (now.count(d)) continue;
      if (in_job(host, d)) job_ended(host, d);
      event(host, d, "domain-stopped");
    }
    host.running = now;
    host.jobs_started = true;
  }

  void say(const std::string& line) {
    if (note_) note_(line);
  }

  // The host stopped answering the sampling thread at `t`.
  void lost(Host& host, const std::string& why) {
    host.up = false;
    host.lost_at = elapsed();
    host.lost_reason = why;
    host.backoff.lost(host.lost_at);
    host.backoff.failed(host.lost_at);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f s", s_.reconnect_for_s);
    say("host " + host.name + " lost at t=" + std::to_string(static_cast<long>(host.lost_at)) +
        " s: " + why + "; reconnecting (for at most " + buf + ")");
  }

  // A gap record per domain the host ran when it was lost (and per domain it
  // runs now): its samples are missing from lost_at to now, on purpose.
  void write_gaps(Host& host, bool at_end) {
    std::set<std::string> names = host.last_sampled;
    if (!at_end) {
      try {
        for (const auto& d : host.ro->domain_names(true)) {
          if (wanted(d)) names.insert(d);
        }
      } catch (const std::exception&) {
      }
    }
    const double now = round_ms(elapsed());
    for (const auto& d : names) {
      event(host, d, "gap",
            {{"from_t", round_ms(host.lost_at)}, {"to_t", now}, {"reason", host.lost_reason},
             {"host_back", !at_end}});
    }
  }

  // Tries the host again on its backoff schedule; true when it answers again.
  bool reconnect(Host& host) {
    const double t = elapsed();
    if (t - host.lost_at > s_.reconnect_for_s) {
      write_gaps(host, true);
      throw EnvironmentError("host " + host.name + " (" + host.uri + ") did not come back within " +
                             std::to_string(static_cast<long>(s_.reconnect_for_s)) + " s: " + host.lost_reason);
    }
    if (!host.backoff.due(t)) return false;
    try {
      auto ro = std::make_unique<LibvirtConnection>(host.uri, true);
      if (ro->node().hostname != host.name) throw EnvironmentError("another host answers at " + host.uri);
      std::unique_ptr<LibvirtConnection> rw;
      if (s_.dirtyrate_every_s > 0) rw = std::make_unique<LibvirtConnection>(host.uri, false);
      host.ro = std::move(ro);
      {
        std::lock_guard<std::mutex> lock(rw_mu_);
        if (rw) host.rw = std::move(rw);
      }
    } catch (const EnvironmentError&) {
      host.backoff.failed(t);
      return false;
    }
    host.up = true;
    write_gaps(host, false);
    char buf[160];
    std::snprintf(buf, sizeof buf, "host %s back after %.1f s: gap marked in the trace (\"gap\" events, t=%.1f..%.1f)",
                  host.name.c_str(), t - host.lost_at, host.lost_at, t);
    say(buf);
    return true;
  }

  void sample_all(double dirty_every, int dirty_calc) {
    for (auto& host : hosts_) {
      if (!host.up && !reconnect(host)) continue;
      std::vector<DomainStatsRecord> recs;
      try {
        recs = host.ro->all_domain_stats(true);
      } catch (const EnvironmentError& e) {
        lost(host, e.what());
        continue;
      }
      host.last_sampled.clear();
      for (const auto& r : recs) {
        if (!wanted(r.name)) continue;
        host.last_sampled.insert(r.name);
        traces::DomainSample s;
        s.host = host.name;
        s.domain = r.name;
        s.uuid = r.uuid;
        s.stats = r.stats;
        emit(std::move(s), [](const traces::DomainSample& x) { return traces::sample_line(x); });
        if (dirty_every <= 0 || !host.rw || in_job(host, r.name)) continue;
        const double t = elapsed();
        const auto it = host.last_dirty_calc.find(r.name);
        if (it != host.last_dirty_calc.end() && t - it->second < dirty_every - 0.1) continue;
        const auto st = r.stats.numbers.find("dirtyrate.calc_status");
        if (st != r.stats.numbers.end() && st->second == 1) continue;  // still measuring
        try {
          std::lock_guard<std::mutex> lock(rw_mu_);
          host.rw->start_dirty_rate_calc(r.name, dirty_calc);
          host.last_dirty_calc[r.name] = t;
        } catch (const std::exception& e) {
          event(host, r.name, "dirtyrate-failed", {{"error", e.what()}});
          host.last_dirty_calc[r.name] = t;
        }
      }
    }
  }

  const CaptureSettings& s_;
  traces::TraceFileWriter& w_;
  std::vector<Host> hosts_;
  std::chrono::steady_clock::time_point t0_;
  const std::function<void(const std::string&)>& note_;
  std::mutex mu_;
  mutable std::mutex rw_mu_;  // host.rw: replaced by the sampling thread, read by both
};

}  // namespace

CaptureResult capture_trace(const CaptureSettings& s,
                            const std::function<void(const std::string&)>& note) {
  if (s.uris.empty()) throw InputError("--connect: at least one libvirt URI is required");
  install_stop_handlers();
  auto writer = std::make_unique<traces::TraceFileWriter>(s.out);
  try {
    Capture c(s, *writer, note);
    return c.run();
  } catch (...) {
    if (writer->lines() > 1) {
      // A host went away mid-capture: keep what was recorded (whole lines only).
      try {
        writer->finish();
        if (note) note("kept " + std::to_string(writer->lines()) + " records in " + s.out);
      } catch (const std::exception&) {
      }
    } else {
      // Bad flags or an unreachable URI: leave no file behind.
      writer.reset();
      std::remove((s.out + ".partial").c_str());
    }
    throw;
  }
}

}  // namespace migsim::live
