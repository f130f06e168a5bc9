#include "live/libvirt_migration.hpp"

#include <libvirt/libvirt.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "live/domain_check.hpp"
#include "sim/input_error.hpp"

namespace migsim::live {

namespace {

double num(const traces::StatValues& s, const char* key) {
  const auto it = s.numbers.find(key);
  return it == s.numbers.end() ? 0.0 : it->second;
}

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::string state_text(int state, int reason) {
  switch (state) {
    case VIR_DOMAIN_RUNNING: return "running";
    case VIR_DOMAIN_BLOCKED: return "blocked";
    case VIR_DOMAIN_PAUSED:
      return reason == VIR_DOMAIN_PAUSED_MIGRATION ? "paused (by the migration)" : "paused";
    case VIR_DOMAIN_SHUTDOWN: return "shutting down";
    case VIR_DOMAIN_SHUTOFF:
      switch (reason) {
        case VIR_DOMAIN_SHUTOFF_CRASHED: return "shut off (crashed)";
        case VIR_DOMAIN_SHUTOFF_DESTROYED: return "shut off (destroyed)";
        case VIR_DOMAIN_SHUTOFF_MIGRATED: return "shut off (migrated)";
        case VIR_DOMAIN_SHUTOFF_FAILED: return "shut off (failed to start)";
        default: return "shut off";
      }
    case VIR_DOMAIN_CRASHED: return "crashed";
    case VIR_DOMAIN_PMSUSPENDED: return "suspended";
    default: return "unknown state " + std::to_string(state);
  }
}

// The domain's copy on one host (host index `h`) for check_domain; `text` says
// what it is for the report, `answered` false when the host could not be asked.
void add_copy(const LibvirtConnection* conn, const std::string& name, int h, std::vector<DomainCopy>& copies,
              std::string& text, bool& answered) {
  if (!conn) {
    text = "unknown (no connection)";
    answered = false;
    return;
  }
  std::optional<DomainHandle> d;
  try {
    d.emplace(*conn, name);
  } catch (const InputError&) {  // LibvirtConnection::lookup: the host has no such domain
    text = "absent";
    return;
  } catch (const EnvironmentError& e) {  // the host did not answer the lookup
    text = "unknown (" + std::string(e.what()) + ")";
    answered = false;
    return;
  }
  int state = 0, reason = 0;
  if (virDomainGetState(d->get(), &state, &reason, 0) < 0) {
    text = "unknown (" + libvirt_last_error() + ")";
    answered = false;
  } else {
    text = state_text(state, reason);
    if (state != VIR_DOMAIN_SHUTOFF) copies.push_back({h, state, reason});
  }
}

// After a failed migration: where the guest is, repaired as `migsim control` does
// (a source left paused by the migration resumed, a stale paused copy destroyed).
void check_after_failure(const LibvirtConnection& src, const LibvirtConnection* dst, const std::string& name,
                         LiveMigrationReport& rep) {
  std::vector<DomainCopy> copies;
  bool answered = true;
  add_copy(&src, name, 0, copies, rep.source_state, answered);
  add_copy(dst, name, 1, copies, rep.dest_state, answered);
  const DomainVerdict v = check_domain(copies, answered, 0);
  for (const auto& r : v.repairs) {
    const LibvirtConnection* conn = r.host == 0 ? &src : dst;
    try {
      if (r.kind == DomainRepair::Kind::kResume) {
        conn->resume(name);
        rep.source_state = "running (resumed)";
      } else {
        conn->destroy(name);
        (r.host == 0 ? rep.source_state : rep.dest_state) = "destroyed (a stale paused copy)";
      }
    } catch (const std::exception& e) {
      rep.guest_after += std::string(rep.guest_after.empty() ? "" : "; ") + "repair failed: " + e.what();
    }
  }
  const std::string where = describe(v, {src.uri(), dst ? dst->uri() : rep.dest_uri});
  rep.guest_after = rep.guest_after.empty() ? where : where + "; " + rep.guest_after;
  rep.guest_lost = v.kind == DomainVerdict::Kind::kMissing;
}

// A report of the request before anything is known of its outcome.
LiveMigrationReport report_for(const LiveMigrationRequest& req, const std::string& from_uri,
                               const std::string& to_uri) {
  LiveMigrationReport rep;
  rep.domain = req.domain;
  rep.source_uri = from_uri;
  rep.dest_uri = to_uri;
  rep.bandwidth_mibps = req.bandwidth_mibps > 0 ? req.bandwidth_mibps : 0.0;
  rep.auto_converge = req.auto_converge;
  return rep;
}

// "no data sent for S s": the start of the stall notice and of the failure reason.
std::string no_data_for(double stall_timeout_s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "no data sent for %.0f s", stall_timeout_s);
  return buf;
}

// The request's domain must run on the source (InputError otherwise).
void require_running(const LibvirtConnection& src, const DomainHandle& dom, const std::string& name) {
  if (virDomainIsActive(dom.get()) != 1) {
    throw InputError("domain '" + name + "' is not running on " + src.uri());
  }
}

}  // namespace

LiveMigrationReport live_migrate(const LibvirtConnection& src, const LibvirtConnection& dst,
                                 const LiveMigrationRequest& req, const ProgressFn& progress,
                                 const NoticeFn& notice) {
  LiveMigrationReport rep = report_for(req, src.uri(), dst.uri());
  if (dst.has_domain(req.domain)) {
    // A shut-off definition left on the destination would be replaced silently.
    DomainHandle other(dst, req.domain);
    if (virDomainIsActive(other.get()) == 1) {
      throw InputError("domain '" + req.domain + "' is already running on " + dst.uri());
    }
  }
  const DomainHandle dom(src, req.domain);
  require_running(src, dom, req.domain);
  if (req.max_downtime_ms > 0) src.set_max_downtime_ms(req.domain, req.max_downtime_ms);
  rep.max_downtime_ms = src.max_downtime_ms(req.domain);

  // The limit is also set on the domain (not only passed with the job), so that
  // readers of the domain's settings (capture, virsh migrate-getspeed) see it.
  // libvirt's "unlimited" is LLONG_MAX bytes/s expressed in MiB/s.
  const unsigned long speed = req.bandwidth_mibps > 0
                                  ? static_cast<unsigned long>(req.bandwidth_mibps)
                                  : static_cast<unsigned long>(LLONG_MAX >> 20);
  if (virDomainMigrateSetMaxSpeed(dom.get(), speed, 0) < 0) {
    throw EnvironmentError(src.uri() + ": cannot set the migration bandwidth of '" + req.domain +
                           "': " + libvirt_last_error());
  }
  virTypedParameterPtr params = nullptr;
  int nparams = 0, maxparams = 0;
  if (req.bandwidth_mibps > 0) {
    virTypedParamsAddULLong(&params, &nparams, &maxparams, VIR_MIGRATE_PARAM_BANDWIDTH,
                            static_cast<unsigned long long>(req.bandwidth_mibps));
  }
  unsigned int flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_PERSIST_DEST;
  if (req.auto_converge) flags |= VIR_MIGRATE_AUTO_CONVERGE;

  std::atomic<bool> done{false};
  std::atomic<int> result{-1};
  std::string thread_error;
  const auto t0 = Clock::now();
  std::thread worker([&] {
    virDomainPtr moved = virDomainMigrate3(dom.get(), dst.raw(), params, nparams, flags);
    if (moved) {
      result = 0;
      virDomainFree(moved);
    } else {
      thread_error = libvirt_last_error();  // per-thread error state
      result = -1;
    }
    done = true;
  });
  bool paused = false;
  double sent = -1.0, last_progress_ms = 0.0;  // sent < 0: no job stats seen yet
  const auto poll = std::chrono::duration<double, std::milli>(std::max(20.0, req.poll_ms));
  auto next = Clock::now();
  while (!done) {
    next += std::chrono::duration_cast<Clock::duration>(poll);
    // Sleep in short steps so the end of the job is seen quickly.
    while (!done && Clock::now() < next) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (done) break;
    int type = 0;
    virTypedParameterPtr jp = nullptr;
    int jn = 0;
    if (virDomainGetJobStats(dom.get(), &type, &jp, &jn, 0) == 0) {
      if (type == VIR_DOMAIN_JOB_UNBOUNDED || type == VIR_DOMAIN_JOB_BOUNDED) {
        JobSnapshot snap;
        snap.t_s = ms_since(t0) / 1000.0;
        snap.stats = stats_from_typed_params(jp, jn);
        rep.max_throttle_pct = std::max(rep.max_throttle_pct, num(snap.stats, "auto_converge_throttle"));
        rep.max_dirty_rate_pps = std::max(rep.max_dirty_rate_pps, num(snap.stats, "memory_dirty_rate"));
        const double now_sent = num(snap.stats, "data_processed");
        if (now_sent > sent) {
          last_progress_ms = ms_since(t0);
          sent = now_sent;
        }
        if (progress) progress(snap);
        rep.progress.push_back(std::move(snap));
      }
      virTypedParamsFree(jp, jn);
    }
    if (req.stall_timeout_s > 0 && sent >= 0 && !rep.stalled &&
        ms_since(t0) - last_progress_ms > req.stall_timeout_s * 1000.0) {
      // Nothing sent for that long: the link drops packets or is down, or the destination
      // stopped reading. Cancelling keeps the source running; libvirt's call returns once
      // the destination has been told (its connection answers or breaks).
      rep.stalled = true;
      if (notice) notice(no_data_for(req.stall_timeout_s) + ": cancelling the migration (the source keeps running)");
      if (virDomainAbortJob(dom.get()) < 0 && notice) notice("cannot cancel: " + libvirt_last_error());
    }
    if (req.timeout_s > 0 && !paused && ms_since(t0) > req.timeout_s * 1000.0) {
      // As virsh --timeout: pause the guest so the rest is copied without new dirtying.
      if (virDomainSuspend(dom.get()) == 0) {
        paused = true;
        rep.timed_out = true;
      }
    }
  }
  worker.join();
  virTypedParamsFree(params, nparams);
  rep.wall_ms = ms_since(t0);
  if (result != 0) {
    rep.ok = false;
    rep.error = thread_error;
    if (rep.stalled) {
      rep.error = no_data_for(req.stall_timeout_s) + " (link down or dropping packets?): cancelled; " + rep.error;
    }
    if (paused) (void)virDomainResume(dom.get());  // keep the guest running where it is
    if (req.check_after_failure) check_after_failure(src, &dst, req.domain, rep);
    return rep;
  }
  rep.ok = true;
  try {
    const JobStatsRecord c = src.job_stats(req.domain, true);
    rep.completed = c.stats;
  } catch (const std::exception& e) {
    rep.error = std::string("migrated, but no completed job stats: ") + e.what();
  }
  const traces::StatValues& s = rep.completed;
  rep.total_ms = num(s, "time_elapsed");
  rep.downtime_ms = num(s, "downtime");
  rep.setup_ms = num(s, "setup_time");
  rep.data_total_bytes = num(s, "data_total");
  rep.data_processed_bytes = num(s, "data_processed");
  rep.memory_processed_bytes = num(s, "memory_processed");
  rep.memory_bps = num(s, "memory_bps");
  rep.iterations = num(s, "memory_iteration");
  rep.constant_pages = num(s, "memory_constant");
  rep.normal_pages = num(s, "memory_normal");
  rep.max_throttle_pct = std::max(rep.max_throttle_pct, num(s, "auto_converge_throttle"));
  rep.max_dirty_rate_pps = std::max(rep.max_dirty_rate_pps, num(s, "memory_dirty_rate"));
  if (paused) {
    // The destination inherits the paused state: resume it there.
    try {
      DomainHandle moved(dst, req.domain);
      virDomainInfo info;
      if (virDomainGetInfo(moved.get(), &info) == 0 && info.state == VIR_DOMAIN_PAUSED) {
        (void)virDomainResume(moved.get());
      }
    } catch (const std::exception&) {
    }
  }
  if (req.undefine_source) (void)virDomainUndefine(dom.get());
  return rep;
}

LiveMigrationReport live_migrate(const std::string& from_uri, const std::string& to_uri,
                                 const LiveMigrationRequest& req, const ProgressFn& progress,
                                 const NoticeFn& notice) {
  const LibvirtConnection src(from_uri, false);
  std::optional<LibvirtConnection> dst;
  try {
    dst.emplace(to_uri, false);
  } catch (const EnvironmentError& e) {
    // The destination refuses (no daemon, a closed port, a host down): a failed
    // migration of a guest that stays where it is.
    require_running(src, DomainHandle(src, req.domain), req.domain);
    LiveMigrationReport rep = report_for(req, from_uri, to_uri);
    rep.max_downtime_ms = src.max_downtime_ms(req.domain);
    rep.error = std::string("destination refused: ") + e.what();
    if (req.check_after_failure) check_after_failure(src, nullptr, req.domain, rep);
    return rep;
  }
  return live_migrate(src, *dst, req, progress, notice);
}

std::string format_progress(const JobSnapshot& s) {
  auto get = [&](const char* k) {
    const auto it = s.stats.numbers.find(k);
    return it == s.stats.numbers.end() ? 0.0 : it->second;
  };
  char line[240];
  std::snprintf(line, sizeof line,
                "  %6.1f s  iteration %2.0f  processed %8.1f MiB  remaining %8.1f MiB  "
                "%7.1f MiB/s  dirty %7.0f pages/s  throttle %3.0f%%",
                s.t_s, get("memory_iteration"), get("memory_processed") / 1048576.0,
                get("memory_remaining") / 1048576.0, get("memory_bps") / 1048576.0,
                get("memory_dirty_rate"), get("auto_converge_throttle"));
  return line;
}

nlohmann::json to_json(const LiveMigrationReport& r, bool with_progress) {
  nlohmann::json j = {{"domain", r.domain},
                      {"source", r.source_uri},
                      {"destination", r.dest_uri},
                      {"ok", r.ok},
                      {"error", r.error},
                      {"timed_out", r.timed_out},
                      {"stalled", r.stalled},
                      {"bandwidth_mibps", r.bandwidth_mibps},
                      {"bandwidth_unlimited", r.bandwidth_mibps <= 0},
                      {"max_downtime_ms", r.max_downtime_ms},
                      {"auto_converge", r.auto_converge},
                      {"wall_ms", r.wall_ms},
                      {"total_ms", r.total_ms},
                      {"downtime_ms", r.downtime_ms},
                      {"setup_ms", r.setup_ms},
                      {"data_total_bytes", r.data_total_bytes},
                      {"data_processed_bytes", r.data_processed_bytes},
                      {"memory_processed_bytes", r.memory_processed_bytes},
                      {"memory_bps", r.memory_bps},
                      {"iterations", r.iterations},
                      {"constant_pages", r.constant_pages},
                      {"normal_pages", r.normal_pages},
                      {"max_dirty_rate_pps", r.max_dirty_rate_pps},
                      {"max_throttle_pct", r.max_throttle_pct}};
  if (!r.ok && !r.guest_after.empty()) {
    j["after_failure"] = {{"guest", r.guest_after},
                          {"guest_lost", r.guest_lost},
                          {"source_state", r.source_state},
                          {"destination_state", r.dest_state}};
  }
  nlohmann::json c = nlohmann::json::object();
  for (const auto& [k, v] : r.completed.numbers) c[k] = v;
  j["completed_job_stats"] = c;
  if (with_progress) {
    nlohmann::json p = nlohmann::json::array();
    for (const auto& snap : r.progress) {
      nlohmann::json one = {{"t_s", snap.t_s}};
      for (const auto& [k, v] : snap.stats.numbers) one[k] = v;
      p.push_back(one);
    }
    j["progress"] = p;
  }
  return j;
}

std::string format_report(const LiveMigrationReport& r) {
  const double mib = 1048576.0;
  char buf[1600];
  std::snprintf(
      buf, sizeof buf,
      "domain           %s\n"
      "from -> to       %s -> %s\n"
      "result           %s%s%s\n"
      "bandwidth limit  %s\n"
      "max downtime     %.0f ms\n"
      "auto-converge    %s (highest throttle %.0f %%)\n"
      "total time       %.0f ms (client wall clock %.0f ms)\n"
      "downtime         %.0f ms\n"
      "setup            %.0f ms\n"
      "data             %.1f MiB processed of %.1f MiB total\n"
      "memory pages     %.0f normal, %.0f zero (constant)\n"
      "iterations       %.0f\n"
      "bandwidth        %.1f MiB/s (last measured)\n"
      "max dirty rate   %.0f pages/s\n",
      r.domain.c_str(), r.source_uri.c_str(), r.dest_uri.c_str(), r.ok ? "completed" : "FAILED",
      r.ok ? "" : ": ", r.ok ? (r.timed_out ? " (guest paused by --timeout)" : "") : r.error.c_str(),
      r.bandwidth_mibps > 0 ? (std::to_string(static_cast<long>(r.bandwidth_mibps)) + " MiB/s").c_str()
                            : "unlimited (libvirt's default; QEMU's 128 MiB/s does not apply)",
      r.max_downtime_ms, r.auto_converge ? "on" : "off", r.max_throttle_pct, r.total_ms, r.wall_ms,
      r.downtime_ms, r.setup_ms, r.data_processed_bytes / mib, r.data_total_bytes / mib,
      r.normal_pages, r.constant_pages, r.iterations, r.memory_bps / mib, r.max_dirty_rate_pps);
  std::string out = buf;
  if (!r.ok && !r.guest_after.empty()) {
    out += "guest afterwards " + r.guest_after + "\n";
    out += "source           " + r.source_state + "\n";
    out += "destination      " + r.dest_state + "\n";
  }
  return out;
}

}  // namespace migsim::live
