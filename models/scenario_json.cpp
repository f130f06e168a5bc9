#include "models/scenario_json.hpp"

#include <cmath>

#include "sim/input_bounds.hpp"
#include "sim/input_error.hpp"

namespace migsim::models {

DirtyPattern parse_dirty_pattern(const std::string& s, const std::string& field) {
  if (s == "sequential") return DirtyPattern::Sequential;
  if (s == "uniform") return DirtyPattern::Uniform;
  if (s == "hotcold") return DirtyPattern::HotCold;
  throw InputError(field + ": unknown dirty pattern '" + s +
                   "' (expected sequential, uniform or hotcold)");
}

Pacing parse_pacing(const std::string& s, const std::string& field) {
  if (s == "cpu") return Pacing::CpuTime;
  if (s == "wall") return Pacing::WallClock;
  throw InputError(field + ": unknown pacing '" + s + "' (expected cpu or wall)");
}

HostProfile host_profile_from_json(JsonObject& o, const HostProfile& b) {
  HostProfile h = b;
  h.link_mibps = o.number("link_mibps", b.link_mibps, bounds::kBandwidthMibps);
  h.first_pass_mibps = o.number("first_pass_mibps", b.first_pass_mibps, bounds::kBandwidthMibpsOrZero);
  h.live_copy_mibps = o.number("live_copy_mibps", b.live_copy_mibps, bounds::kBandwidthMibpsOrZero);
  h.tcg_tlb_entries = o.number("tcg_tlb_entries", b.tcg_tlb_entries, bounds::kCountOrZero);
  h.setup_ms = o.number("setup_ms", b.setup_ms, bounds::kCostMs);
  h.setup_ms_per_gib = o.number("setup_ms_per_gib", b.setup_ms_per_gib, bounds::kCostMs);
  h.zero_page_ns = o.number("zero_page_ns", b.zero_page_ns, bounds::kCostNs);
  h.normal_page_ns = o.number("normal_page_ns", b.normal_page_ns, bounds::kCostNs);
  h.sync_ms_per_gib = o.number("sync_ms_per_gib", b.sync_ms_per_gib, bounds::kCostMs);
  h.downtime_overhead_ms = o.number("downtime_overhead_ms", b.downtime_overhead_ms, bounds::kCostMs);
  h.send_buffer_mib = o.number("send_buffer_mib", b.send_buffer_mib, bounds::kMemoryMibOrZero);
  h.background_dirty_pages_per_sec =
      o.number("background_dirty_pages_per_sec", b.background_dirty_pages_per_sec, bounds::kPagesPerSec);
  h.background_wss_mib = o.number("background_wss_mib", b.background_wss_mib, bounds::kMemoryMibOrZero);
  h.guest_max_write_pages_per_sec =
      o.number("guest_max_write_pages_per_sec", b.guest_max_write_pages_per_sec, bounds::kPagesPerSecPositive);
  if (h.background_dirty_pages_per_sec > 0 && h.background_wss_mib <= 0) {
    throw InputError(o.path("background_wss_mib") +
                     ": must be > 0 when background_dirty_pages_per_sec > 0");
  }
  return h;
}

HostProfile read_host_profile_file(const std::string& path) {
  return host_profile_from_document(read_json_file(path), path);
}

HostProfile host_profile_from_document(const nlohmann::json& j, const std::string& path) {
  JsonObject o(j, path);
  // A calibration file carries its provenance next to the profile.
  if (o.has("profile")) {
    o.raw("fitted_on");
    o.raw("report");
    o.string("format");
    JsonObject p = o.object("profile");
    HostProfile h = host_profile_from_json(p, HostProfile{});
    p.finish();
    o.finish();
    return h;
  }
  HostProfile h = host_profile_from_json(o, HostProfile{});
  o.finish();
  return h;
}

nlohmann::json to_json(const HostProfile& h) {
  return {{"link_mibps", h.link_mibps},
          {"first_pass_mibps", h.first_pass_mibps},
          {"live_copy_mibps", h.live_copy_mibps},
          {"tcg_tlb_entries", h.tcg_tlb_entries},
          {"setup_ms", h.setup_ms},
          {"setup_ms_per_gib", h.setup_ms_per_gib},
          {"zero_page_ns", h.zero_page_ns},
          {"normal_page_ns", h.normal_page_ns},
          {"sync_ms_per_gib", h.sync_ms_per_gib},
          {"downtime_overhead_ms", h.downtime_overhead_ms},
          {"send_buffer_mib", h.send_buffer_mib},
          {"background_dirty_pages_per_sec", h.background_dirty_pages_per_sec},
          {"background_wss_mib", h.background_wss_mib},
          {"guest_max_write_pages_per_sec", h.guest_max_write_pages_per_sec}};
}

MigrationScenario scenario_from_json(JsonObject& o, const MigrationScenario& base) {
  using R = NumberRule;
  MigrationScenario sc = base;
  sc.memory.ram_mib = o.number("ram_mib", base.memory.ram_mib, R::Positive);
  sc.memory.nonzero_mib =
      o.number("nonzero_mib", o.has("ram_mib") && !o.has("nonzero_mib") ? sc.memory.ram_mib
                                                                         : base.memory.nonzero_mib,
               R::NonNegative);
  sc.memory.tail_nonzero_mib =
      o.number("tail_nonzero_mib", base.memory.tail_nonzero_mib, R::NonNegative);
  auto& w = sc.workload;
  w.wss_mib = o.number("wss_mib", base.workload.wss_mib, R::NonNegative);
  w.pages_per_sec = o.number("dirty_pages_per_sec", base.workload.pages_per_sec, R::NonNegative);
  if (o.has("dirty_pattern")) {
    w.pattern = parse_dirty_pattern(o.string("dirty_pattern"), o.path("dirty_pattern"));
  }
  if (o.has("pacing")) w.pacing = parse_pacing(o.string("pacing"), o.path("pacing"));
  w.hot_fraction = o.number("hot_fraction", base.workload.hot_fraction, R::Positive);
  w.hot_write_share = o.number("hot_write_share", base.workload.hot_write_share, R::NonNegative);
  if (o.has("dirty_rate_series")) {
    const auto& arr = o.raw("dirty_rate_series");
    const std::string field = o.path("dirty_rate_series");
    if (!arr.is_array() || arr.empty()) {
      throw InputError(field + ": expected a non-empty array of [t_s, pages_per_sec] pairs");
    }
    w.series.clear();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const auto& pt = arr[i];
      const std::string at = field + "[" + std::to_string(i) + "]";
      if (!pt.is_array() || pt.size() != 2 || !pt[0].is_number() || !pt[1].is_number()) {
        throw InputError(at + ": expected [t_s, pages_per_sec], got " + json_snippet(pt));
      }
      const RatePoint p{pt[0].get<double>(), pt[1].get<double>()};
      if (p.pages_per_sec < 0 || !std::isfinite(p.pages_per_sec)) {
        throw InputError(at + ": pages_per_sec must be >= 0, got " + json_snippet(pt[1]));
      }
      if (i == 0 ? p.t_s != 0.0 : !(p.t_s > w.series.back().t_s)) {
        throw InputError(at + ": times must start at 0 and increase, got " + json_snippet(pt[0]));
      }
      w.series.push_back(p);
    }
  }
  auto& q = sc.qemu;
  if (o.has("max_bandwidth_mibps")) {
    const auto& v = o.raw("max_bandwidth_mibps");
    if (v.is_string() && v.get<std::string>() == "unlimited") {
      q.max_bandwidth_mibps = 0.0;
    } else if (v.is_number() && v.get<double>() > 0) {
      q.max_bandwidth_mibps = v.get<double>();
    } else {
      throw InputError(o.path("max_bandwidth_mibps") + ": expected a number > 0 or \"unlimited\", got " +
                       json_snippet(v));
    }
  }
  q.downtime_limit_ms = o.number("downtime_limit_ms", base.qemu.downtime_limit_ms, R::Positive);
  q.auto_converge = o.boolean("auto_converge", base.qemu.auto_converge);
  q.throttle_trigger_threshold_pct = o.number(
      "throttle_trigger_threshold_pct", base.qemu.throttle_trigger_threshold_pct, R::Positive);
  q.cpu_throttle_initial_pct =
      o.number("cpu_throttle_initial_pct", base.qemu.cpu_throttle_initial_pct, R::Positive);
  q.cpu_throttle_increment_pct =
      o.number("cpu_throttle_increment_pct", base.qemu.cpu_throttle_increment_pct, R::Positive);
  q.max_cpu_throttle_pct =
      o.number("max_cpu_throttle_pct", base.qemu.max_cpu_throttle_pct, R::Positive);
  q.cpu_throttle_tailslow = o.boolean("cpu_throttle_tailslow", base.qemu.cpu_throttle_tailslow);
  if (o.has("link_mibps")) sc.host.link_mibps = o.number("link_mibps", R::Positive);
  if (o.has("profile")) {
    JsonObject p = o.object("profile");
    sc.host = host_profile_from_json(p, sc.host);
    p.finish();
  }
  sc.options.horizon_s = o.number("horizon_s", base.options.horizon_s, R::Positive);
  check_scenario(sc, [&](const char* k) { return o.path(k); });
  return sc;
}

MigrationScenario scenario_from_case(const nlohmann::json& doc, const std::string& where,
                                     const MigrationScenario& base) {
  JsonObject o(doc, where);
  if (!o.has("ram_mib")) throw InputError(o.path("ram_mib") + " is required (the guest's RAM in MiB)");
  MigrationScenario sc = scenario_from_json(o, base);
  o.finish();
  return sc;
}

void check_scenario(const MigrationScenario& sc,
                    const std::function<std::string(const char*)>& name_of) {
  const auto& m = sc.memory;
  const auto& w = sc.workload;
  const auto& q = sc.qemu;
  auto bound = [&](const char* key, double v, const Bound& b) { check_bound(name_of(key), v, b, number_text(v)); };
  bound("ram_mib", m.ram_mib, bounds::kMemoryMib);
  bound("nonzero_mib", m.nonzero_mib, bounds::kMemoryMibOrZero);
  bound("tail_nonzero_mib", m.tail_nonzero_mib, bounds::kMemoryMibOrZero);
  bound("wss_mib", w.wss_mib, bounds::kMemoryMibOrZero);
  bound("dirty_pages_per_sec", w.pages_per_sec, bounds::kPagesPerSec);
  for (const RatePoint& p : w.series) {
    bound("dirty_rate_series", p.t_s, bounds::kMigrationTimeS);
    bound("dirty_rate_series", p.pages_per_sec, bounds::kPagesPerSec);
  }
  bound("hot_fraction", w.hot_fraction, bounds::kFraction);
  bound("hot_write_share", w.hot_write_share, bounds::kFraction);
  bound("max_bandwidth_mibps", q.max_bandwidth_mibps, bounds::kBandwidthMibpsOrZero);
  bound("downtime_limit_ms", q.downtime_limit_ms, bounds::kDowntimeMs);
  bound("throttle_trigger_threshold_pct", q.throttle_trigger_threshold_pct, bounds::kPercentPositive);
  bound("link_mibps", sc.host.link_mibps, bounds::kBandwidthMibps);
  bound("horizon_s", sc.options.horizon_s, bounds::kHorizonS);
  if (m.nonzero_mib > m.ram_mib) {
    throw InputError(name_of("nonzero_mib") + ": " + number_text(m.nonzero_mib) +
                     " MiB of non-zero memory is more than the " + number_text(m.ram_mib) + " MiB of RAM");
  }
  if (m.tail_nonzero_mib > m.nonzero_mib) {
    throw InputError(name_of("tail_nonzero_mib") + ": " + number_text(m.tail_nonzero_mib) +
                     " MiB at the top of RAM is more than the " + number_text(m.nonzero_mib) +
                     " MiB of non-zero memory");
  }
  if (w.wss_mib > m.ram_mib) {
    throw InputError(name_of("wss_mib") + ": a working set of " + number_text(w.wss_mib) +
                     " MiB is larger than the " + number_text(m.ram_mib) + " MiB of RAM");
  }
  const bool writes = w.pages_per_sec > 0 || !w.series.empty();
  if (writes && !(w.wss_mib > 0)) {
    throw InputError(name_of("wss_mib") + ": must be > 0 when the guest dirties pages, got " +
                     number_text(w.wss_mib));
  }
  if (w.pattern == DirtyPattern::HotCold &&
      (w.hot_fraction <= 0 || w.hot_fraction >= 1 || w.hot_write_share < 0 ||
       w.hot_write_share > 1)) {
    throw InputError(name_of("hot_fraction") + ": hot/cold needs 0 < hot_fraction < 1 and " +
                     "0 <= hot_write_share <= 1, got " + number_text(w.hot_fraction) + " and " +
                     number_text(w.hot_write_share));
  }
  if (q.max_cpu_throttle_pct > 100 || q.cpu_throttle_initial_pct > 100 ||
      q.cpu_throttle_increment_pct > 100) {
    throw InputError(name_of("max_cpu_throttle_pct") + ": throttle percentages must be <= 100");
  }
  if (q.max_cpu_throttle_pct >= 100) {
    throw InputError(name_of("max_cpu_throttle_pct") + ": must be < 100 (QEMU allows 1..99), got " +
                     number_text(q.max_cpu_throttle_pct));
  }
}

}  // namespace migsim::models
