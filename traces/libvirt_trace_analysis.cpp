#include "traces/libvirt_trace_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "sim/input_error.hpp"
#include "traces/libvirt_sample_readers.hpp"

namespace migsim::traces {

namespace {

std::string at_line(const std::string& origin, int line) {
  return origin + ":" + std::to_string(line);
}

int host_index(const LibvirtTrace& tr, const std::string& host, const std::string& where) {
  for (std::size_t i = 0; i < tr.header.hosts.size(); ++i) {
    if (tr.header.hosts[i].name == host) return static_cast<int>(i);
  }
  throw InputError(where + ": field 'host': '" + host + "' is not one of the header's hosts");
}

// Per-sample utilisation (NaN for a domain's first sample on a host).
std::vector<double> sample_utils(const LibvirtTrace& tr, const std::string& origin) {
  CpuUsageMeter meter;
  std::vector<double> out;
  out.reserve(tr.samples.size());
  for (const auto& s : tr.samples) {
    const auto u = meter.update(s, at_line(origin, s.line));
    out.push_back(u ? *u : std::numeric_limits<double>::quiet_NaN());
  }
  return out;
}

}  // namespace

TraceSeries utilization_series(const LibvirtTrace& tr, const std::string& origin) {
  TraceSeries ts;
  ts.interval_s = tr.header.interval_s;
  for (const auto& h : tr.header.hosts) ts.hosts.push_back(h.name);
  if (tr.samples.empty()) throw InputError(origin + ": no sample records (nothing to replay)");
  const std::vector<double> utils = sample_utils(tr, origin);
  const double max_gap = std::max(5.0 * ts.interval_s, 10.0);
  // Samples missing on purpose: the capture lost the host and marked the gap
  // ("gap" events, detail from_t / to_t) when it was back.
  std::map<std::pair<std::string, std::string>, std::vector<std::pair<double, double>>> gaps;
  for (const auto& e : tr.events) {
    if (e.event != "gap") continue;
    const auto& d = e.detail;
    const std::string where = at_line(origin, e.line);
    if (!d.is_object() || !d.contains("from_t") || !d["from_t"].is_number() || !d.contains("to_t") ||
        !d["to_t"].is_number() || d["to_t"].get<double>() < d["from_t"].get<double>()) {
      throw InputError(where + ": field 'detail': a gap event needs numbers from_t <= to_t, got " + d.dump());
    }
    gaps[{e.domain, e.host}].push_back({d["from_t"].get<double>(), d["to_t"].get<double>()});
  }
  auto marked = [&](const std::string& domain, const std::string& host, double from, double to) {
    const auto it = gaps.find({domain, host});
    if (it == gaps.end()) return false;
    for (const auto& [a, b] : it->second) {
      if (a - from <= max_gap && to - b <= max_gap) return true;
    }
    return false;
  };
  std::map<std::string, std::size_t> index;
  struct Last {
    double t;
    int host;
    int line;
    double dirty_start;
  };
  std::vector<Last> last;
  std::vector<double> first_t;
  std::vector<std::vector<double>> bins;
  for (std::size_t i = 0; i < tr.samples.size(); ++i) {
    const DomainSample& s = tr.samples[i];
    const std::string where = at_line(origin, s.line);
    const int h = host_index(tr, s.host, where);
    const double ram = sample_ram_mib(s, where);
    const double vcpus = sample_vcpus(s, where);
    auto it = index.find(s.domain);
    if (it == index.end()) {
      it = index.emplace(s.domain, ts.vms.size()).first;
      VmSeries v;
      v.name = s.domain;
      v.first_host = h;
      ts.vms.push_back(v);
      last.push_back({s.t, h, s.line, -1.0});
      first_t.push_back(s.t);
      bins.emplace_back();
    }
    const std::size_t vi = it->second;
    VmSeries& v = ts.vms[vi];
    Last& l = last[vi];
    if (s.t - l.t > max_gap && l.host == h && !marked(s.domain, s.host, l.t, s.t)) {
      char buf[200];
      std::snprintf(buf, sizeof buf, ": field 't': gap of %.1f s in domain '%s' samples (previous at line %d; at most %.1f s allowed)",
                    s.t - l.t, s.domain.c_str(), l.line, max_gap);
      throw InputError(where + buf);
    }
    l.t = s.t;
    l.host = h;
    l.line = s.line;
    v.vcpus = vcpus;
    v.ram_mib = std::max(v.ram_mib, ram);
    if (s.stats.has("balloon.rss")) v.max_rss_mib = std::max(v.max_rss_mib, s.stats.at("balloon.rss", where) / 1024.0);
    if (const auto d = new_dirty_rate(s, l.dirty_start)) {
      v.mean_dirty_pages_per_sec += *d;
      ++v.dirty_measurements;
    }
    if (!std::isnan(utils[i])) {
      const auto bin = static_cast<std::size_t>(std::llround(s.t / ts.interval_s));
      auto& b = bins[vi];
      if (b.size() <= bin) b.resize(bin + 1, std::numeric_limits<double>::quiet_NaN());
      b[bin] = utils[i];
    }
    ts.duration_s = std::max(ts.duration_s, s.t);
  }
  const auto n_bins = static_cast<std::size_t>(std::llround(ts.duration_s / ts.interval_s)) + 1;
  for (std::size_t vi = 0; vi < ts.vms.size(); ++vi) {
    VmSeries& v = ts.vms[vi];
    auto& b = bins[vi];
    b.resize(n_bins, std::numeric_limits<double>::quiet_NaN());
    // Before its first sample and after its last one the VM asks for nothing (it
    // did not run); intervals without a measurement in between (its first one on a
    // host, migration switch-overs) hold the previous value.
    const auto first_bin = static_cast<std::size_t>(std::llround(first_t[vi] / ts.interval_s));
    const auto last_bin = static_cast<std::size_t>(std::llround(last[vi].t / ts.interval_s));
    double first = 0.0;
    for (std::size_t k = first_bin; k < b.size(); ++k) {
      if (!std::isnan(b[k])) {
        first = b[k];
        break;
      }
    }
    double prev = first, sum = 0;
    for (std::size_t k = 0; k < b.size(); ++k) {
      double& u = b[k];
      if (k < first_bin || k > last_bin) {
        u = 0.0;
      } else {
        if (std::isnan(u)) u = prev;
        prev = u;
      }
      sum += u;
    }
    v.util = b;
    v.mean_util = b.empty() ? 0.0 : sum / static_cast<double>(b.size());
    if (v.dirty_measurements > 0) v.mean_dirty_pages_per_sec /= v.dirty_measurements;
  }
  return ts;
}

std::vector<RecordedMigration> recorded_migrations(const LibvirtTrace& tr, const std::string& origin) {
  std::vector<RecordedMigration> out;
  const std::vector<double> utils = sample_utils(tr, origin);
  for (std::size_t ei = 0; ei < tr.events.size(); ++ei) {
    const EventRecord& e = tr.events[ei];
    if (e.event != "job-started") continue;
    // The job's window: until this domain's next job start on any host.
    double t_limit = std::numeric_limits<double>::infinity();
    for (std::size_t k = ei + 1; k < tr.events.size(); ++k) {
      if (tr.events[k].domain == e.domain && tr.events[k].event == "job-started") {
        t_limit = tr.events[k].t;
        break;
      }
    }
    RecordedMigration m;
    m.domain = e.domain;
    m.from_host = e.host;
    m.t_start = e.t;
    if (e.detail.is_object()) {
      if (e.detail.contains("max_speed_mibps") && e.detail["max_speed_mibps"].is_number()) {
        m.max_speed_mibps = e.detail["max_speed_mibps"].get<double>();
      }
      if (e.detail.contains("max_downtime_ms") && e.detail["max_downtime_ms"].is_number()) {
        m.max_downtime_ms = e.detail["max_downtime_ms"].get<double>();
      }
    }
    const JobRecord* src = nullptr;
    const JobRecord* dst = nullptr;
    for (const auto& j : tr.jobs) {
      if (!j.completed || j.domain != e.domain || j.t < e.t || j.t >= t_limit) continue;
      const auto op = j.stats.numbers.find("operation");
      const double opv = op == j.stats.numbers.end() ? -1 : op->second;
      if (j.host == e.host && (opv == 5 || opv < 0) && !src) src = &j;   // migration out
      if (j.host != e.host && (opv == 4 || opv < 0) && !dst) dst = &j;   // migration in
    }
    if (dst) m.to_host = dst->host;
    if (m.to_host.empty()) {
      // No incoming record: the first sample of the domain on another host.
      for (const auto& s : tr.samples) {
        if (s.domain == e.domain && s.t >= e.t && s.t < t_limit && s.host != e.host) {
          m.to_host = s.host;
          break;
        }
      }
    }
    if (m.to_host.empty() || (!src && !dst)) continue;  // not a (completed) migration
    const JobRecord* use = src ? src : dst;
    m.completed = use->stats;
    m.completed_on_source = src != nullptr;
    m.line = use->line;
    m.t_end = use->t;
    double dirty_start = -1;
    for (std::size_t i = 0; i < tr.samples.size(); ++i) {
      const DomainSample& s = tr.samples[i];
      if (s.t > e.t) break;
      if (s.domain != e.domain) continue;
      if (const auto d = new_dirty_rate(s, dirty_start)) m.dirty_pages_per_sec = *d;
      if (s.host != e.host) continue;
      const std::string where = at_line(origin, s.line);
      m.ram_mib = sample_ram_mib(s, where);
      if (s.stats.has("balloon.rss")) m.rss_mib = s.stats.at("balloon.rss", where) / 1024.0;
      if (!std::isnan(utils[i])) m.util = utils[i];
    }
    for (const auto& j : tr.jobs) {
      if (j.completed || j.domain != e.domain || j.host != e.host || j.t < e.t || j.t >= t_limit) {
        continue;
      }
      const auto done = j.stats.numbers.find("memory_processed");
      const auto bps = j.stats.numbers.find("memory_bps");
      const auto el = j.stats.numbers.find("time_elapsed");
      if (done == j.stats.numbers.end() || bps == j.stats.numbers.end() ||
          el == j.stats.numbers.end() || done->second <= 0 || bps->second <= 0) {
        continue;
      }
      m.prepare_ms = std::max(0.0, el->second - done->second / bps->second * 1000.0);
      break;
    }
    for (const auto& j : tr.jobs) {
      if (j.t >= e.t) break;
      if (j.domain != e.domain || j.completed) continue;
      const auto r = j.stats.numbers.find("memory_dirty_rate");
      if (r != j.stats.numbers.end() && r->second > 0) m.earlier_job_dirty_pages_per_sec = r->second;
    }
    if (m.ram_mib <= 0) continue;  // no sample before the job: nothing to predict from
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace migsim::traces
