// `migsim capture`: records a libvirt trace (format: traces/libvirt_trace.hpp,
// documented in traces/README-libvirt-trace.md) from one or more libvirt hosts.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <cstdio>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "apps/commands.hpp"
#include "live/libvirt_client.hpp"
#include "sim/input_error.hpp"
#include "traces/libvirt_trace.hpp"
#include "traces/utc_timestamp.hpp"

namespace migsim::cli {

namespace {

volatile sig_atomic_t g_stop = 0;
void on_stop_signal(int) { g_stop = 1; }

struct CaptureOptions {
  std::vector<std::string> uris, domains;
  std::string interval = "1s", out, duration, dirtyrate_every = "5s", dirtyrate_calc = "1",
              job_interval = "500ms";
  bool quiet = false;
};

// "1s", "500ms", "2" (seconds) -> seconds.
double parse_duration_s(const std::string& flag, const std::string& text) {
  std::string num = text;
  double scale = 1.0;
  if (text.size() > 2 && text.compare(text.size() - 2, 2, "ms") == 0) {
    num = text.substr(0, text.size() - 2);
    scale = 0.001;
  } else if (!text.empty() && text.back() == 's') {
    num = text.substr(0, text.size() - 1);
  }
  return parse_non_negative(flag, num) * scale;
}

double round_ms(double s) { return std::round(s * 1000.0) / 1000.0; }

struct Host {
  std::string name;
  std::unique_ptr<live::LibvirtConnection> ro;    // domain stats (sampling thread)
  std::unique_ptr<live::LibvirtConnection> jobs;  // job stats (job thread), read-only
  std::unique_ptr<live::LibvirtConnection> rw;  // only to start dirty-rate measurements
  std::set<std::string> running;                  // running domains at the last tick
  std::set<std::string> in_job;                   // domains with an active job (under mu_)
  std::map<std::string, double> last_dirty_calc;  // domain -> t of the last calc started
};

class Capture {
 public:
  Capture(const CaptureOptions& o, traces::TraceFileWriter& w) : o_(o), w_(w) {}

  int run() {
    const double interval = parse_duration_s("--interval", o_.interval);
    if (interval < 0.1) throw InputError("--interval: at least 100ms, got '" + o_.interval + "'");
    const double job_interval = parse_duration_s("--job-interval", o_.job_interval);
    if (job_interval < 0.05 || job_interval > 0.5) {
      throw InputError("--job-interval: between 50ms and 500ms, got '" + o_.job_interval + "'");
    }
    const double dirty_every = parse_duration_s("--dirtyrate-every", o_.dirtyrate_every);
    const double dirty_calc = parse_positive("--dirtyrate-calc-s", o_.dirtyrate_calc);
    if (dirty_calc != std::floor(dirty_calc) || dirty_calc > 60) {
      throw InputError("--dirtyrate-calc-s: a whole number of seconds 1..60, got '" +
                       o_.dirtyrate_calc + "'");
    }
    if (dirty_every > 0 && dirty_every < dirty_calc) {
      throw InputError("--dirtyrate-every: shorter than --dirtyrate-calc-s ('" +
                       o_.dirtyrate_every + "')");
    }
    const double duration = o_.duration.empty() ? 0.0 : parse_duration_s("--duration", o_.duration);

    traces::LibvirtTraceHeader h;
    h.created_utc = traces::utc_now_iso();
    h.tool = "migsim 0.1.0";
    h.interval_s = interval;
    h.job_interval_s = job_interval;
    h.dirtyrate_every_s = dirty_every;
    h.dirtyrate_calc_s = static_cast<int>(dirty_calc);
    std::set<std::string> names;
    for (const auto& uri : o_.uris) {
      Host host;
      host.ro = std::make_unique<live::LibvirtConnection>(uri, true);
      host.jobs = std::make_unique<live::LibvirtConnection>(uri, true);
      if (dirty_every > 0) host.rw = std::make_unique<live::LibvirtConnection>(uri, false);
      const live::NodeSummary n = host.ro->node();
      host.name = n.hostname;
      if (!names.insert(host.name).second) {
        throw InputError("--connect: two URIs reach the same host '" + host.name + "'");
      }
      h.hosts.push_back({n.hostname, uri, n.cpus, n.memory_kib});
      hosts_.push_back(std::move(host));
    }
    for (const auto& d : o_.domains) {
      bool found = false;
      for (const auto& host : hosts_) found = found || host.ro->has_domain(d);
      if (!found) throw InputError("--domain: no domain '" + d + "' on any --connect host");
    }
    w_.write_line(traces::header_line(h));

    using Clock = std::chrono::steady_clock;
    t0_ = Clock::now();
    // Job stats in their own thread (and connections): a slow stats call during a
    // migration must not stretch the <= job_interval cadence.
    std::atomic<bool> done{false};
    std::exception_ptr job_error;
    std::thread job_thread([&] {
      try {
        double next_poll = 0.0;
        while (!g_stop && !done) {
          poll_jobs();
          next_poll += job_interval;
          if (next_poll <= elapsed()) next_poll = elapsed() + job_interval;
          while (!g_stop && !done && elapsed() < next_poll) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          }
        }
      } catch (...) {
        job_error = std::current_exception();
        done = true;
      }
    });
    try {
      double next_sample = 0.0;
      while (!g_stop && !done) {
        if (duration > 0 && elapsed() >= duration) break;
        sample_all(dirty_every, static_cast<int>(dirty_calc));
        next_sample += interval;
        if (next_sample <= elapsed()) next_sample = elapsed() + interval;
        while (!g_stop && !done && elapsed() < next_sample) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
    } catch (...) {
      done = true;
      job_thread.join();
      throw;
    }
    done = true;
    job_thread.join();
    if (job_error) std::rethrow_exception(job_error);
    w_.finish();
    if (!o_.quiet) {
      std::cerr << "migsim capture: " << w_.lines() << " records in " << w_.path()
                << (g_stop ? " (stopped by signal)" : "") << "\n";
    }
    return 0;
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

  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  }
  bool wanted(const std::string& d) const {
    if (o_.domains.empty()) return true;
    for (const auto& x : o_.domains) {
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

  void write_completed(Host& host, const std::string& d) {
    try {
      const live::JobStatsRecord c = host.jobs->job_stats(d, true);
      if (c.type == 0 || c.stats.numbers.empty()) return;
      traces::JobRecord j;
      j.host = host.name;
      j.domain = d;
      j.completed = true;
      j.stats = c.stats;
      j.stats.numbers["job_type"] = c.type;
      emit(std::move(j), [](const traces::JobRecord& r) { return traces::job_line(r); });
    } catch (const std::exception&) {
      // The domain is gone (undefined after migrating away): nothing to read.
    }
  }

  // The settings replay needs to predict the migration (libvirt's job stats lack them).
  nlohmann::json migration_settings(const Host& host, const std::string& d) const {
    nlohmann::json j = nlohmann::json::object();
    try {
      j["max_downtime_ms"] = host.jobs->max_downtime_ms(d);
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
      if (&other != &host && other.jobs->has_domain(d)) write_completed(other, d);
    }
  }

  void poll_jobs() {
    for (auto& host : hosts_) {
      std::vector<std::string> now_running;
      try {
        now_running = host.jobs->domain_names(true);
      } catch (const EnvironmentError& e) {
        throw EnvironmentError(std::string(e.what()) + " (host " + host.name + " went away?)");
      }
      const std::set<std::string> now(now_running.begin(), now_running.end());
      for (const auto& d : now) {
        if (!wanted(d)) continue;
        if (!host.running.count(d) && started_) {
          event(host, d, "domain-appeared");
        }
        live::JobStatsRecord js;
        try {
          js = host.jobs->job_stats(d, false);
        } catch (const std::exception&) {
          continue;  // vanished between the listing and the call
        }
        if (js.active()) {
          if (!in_job(host, d)) event(host, d, "job-started", migration_settings(host, d));
          set_in_job(host, d, true);
          traces::JobRecord j;
          j.host = host.name;
          j.domain = d;
          j.completed = false;
          j.stats = js.stats;
          j.stats.numbers["job_type"] = js.type;
          emit(std::move(j), [](const traces::JobRecord& r) { return traces::job_line(r); });
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
    }
    started_ = true;
  }

  void sample_all(double dirty_every, int dirty_calc) {
    for (auto& host : hosts_) {
      const auto recs = host.ro->all_domain_stats(true);
      for (const auto& r : recs) {
        if (!wanted(r.name)) continue;
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
          host.rw->start_dirty_rate_calc(r.name, dirty_calc);
          host.last_dirty_calc[r.name] = t;
        } catch (const std::exception& e) {
          event(host, r.name, "dirtyrate-failed", {{"error", e.what()}});
          host.last_dirty_calc[r.name] = t;
        }
      }
    }
  }

  const CaptureOptions& o_;
  traces::TraceFileWriter& w_;
  std::vector<Host> hosts_;
  std::chrono::steady_clock::time_point t0_;
  bool started_ = false;
  std::mutex mu_;
};

int run_capture(const CaptureOptions& o) {
  if (o.uris.empty()) throw InputError("--connect: at least one libvirt URI is required");
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  g_stop = 0;
  auto writer = std::make_unique<traces::TraceFileWriter>(o.out);
  try {
    Capture c(o, *writer);
    return c.run();
  } catch (...) {
    if (writer->lines() > 1) {
      // A host went away mid-capture: keep what was recorded (whole lines only).
      try {
        writer->finish();
        std::cerr << "migsim capture: kept " << writer->lines() << " records in " << o.out << "\n";
      } catch (const std::exception&) {
      }
    } else {
      // Bad flags or an unreachable URI: leave no file behind.
      writer.reset();
      std::remove((o.out + ".partial").c_str());
    }
    throw;
  }
}

}  // namespace

void add_capture_command(CLI::App& app, Action& action);
static const CommandRegistrar kRegisterCapture(70, "capture", add_capture_command);

void add_capture_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<CaptureOptions>();
  CLI::App* sub = app.add_subcommand(
      "capture", "Record a libvirt trace (domain stats, dirty rates, migration jobs) as JSON lines.");
  sub->footer(
      "Per running domain every --interval: cpu.time, vcpu.*, balloon.*, block.*, net.*,\n"
      "state and dirtyrate.* (virConnectGetAllDomainStats on a read-only connection);\n"
      "every --dirtyrate-every a page-sampling dirty-rate measurement is started (this\n"
      "alone needs a read-write connection; 0 disables it); while a domain has a job\n"
      "(a migration), its job stats every --job-interval (<= 500ms), and the completed\n"
      "job's stats at its end. Runs until --duration or SIGINT/SIGTERM; the trace is\n"
      "written as <out>.partial (whole lines only) and renamed to <out> when done.\n"
      "Format: traces/README-libvirt-trace.md.\n\n"
      "Example:\n"
      "  validation/lab/lab exec migsim capture --connect qemu+tcp://10.77.0.1/system \\\n"
      "      --connect qemu+tcp://10.77.0.2/system --interval 1s --out trace.jsonl\n");
  sub->add_option("--connect", o->uris, "libvirt URI (repeat for several hosts)")->required();
  sub->add_option("--out", o->out, "Trace file to write (JSON lines)")->required();
  sub->add_option("--interval", o->interval, "Domain stats cadence: 1s (default), 500ms, ...");
  sub->add_option("--duration", o->duration, "Stop after this long (default: until SIGINT)");
  sub->add_option("--domain", o->domains, "Only these domains (repeatable; must exist)");
  sub->add_option("--dirtyrate-every", o->dirtyrate_every,
                  "Start a dirty-rate measurement this often per domain (default 5s; 0 = never)");
  sub->add_option("--dirtyrate-calc-s", o->dirtyrate_calc,
                  "Length of one dirty-rate measurement in whole seconds (default 1)");
  sub->add_option("--job-interval", o->job_interval, "Job stats cadence (default 500ms)");
  sub->add_flag("--quiet", o->quiet, "No summary on stderr");
  sub->callback([o, &action] { action = [o] { return run_capture(*o); }; });
}

}  // namespace migsim::cli
