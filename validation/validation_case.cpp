#include "validation/validation_case.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "models/scenario_json.hpp"
#include "sim/input_error.hpp"

namespace migsim::validation {

namespace {

bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  return std::all_of(n.begin(), n.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
  });
}

// "PCT@T,PCT@T" with 0 <= PCT <= 100 and increasing T.
bool valid_cpuload(const std::string& s) {
  if (s.empty()) return true;
  std::stringstream ss(s);
  std::string item;
  double last_t = -1;
  while (std::getline(ss, item, ',')) {
    const auto at = item.find('@');
    if (at == std::string::npos) return false;
    try {
      std::size_t used = 0;
      const double pct = std::stod(item.substr(0, at), &used);
      if (used != at || pct < 0 || pct > 100) return false;
      const std::string ts = item.substr(at + 1);
      const double t = std::stod(ts, &used);
      if (used != ts.size() || t <= last_t) return false;
      last_t = t;
    } catch (const std::exception&) {
      return false;
    }
  }
  return true;
}

}  // namespace

nlohmann::json ValidationCase::to_json() const {
  nlohmann::json j{{"name", name},
                   {"split", split},
                   {"repeats", repeats},
                   {"ram_mib", ram_mib},
                   {"fill_mib", fill_mib},
                   {"wss_mib", wss_mib},
                   {"dirty_pattern", dirty_pattern},
                   {"dirty_pages_per_sec", dirty_pages_per_sec},
                   {"pacing", pacing},
                   {"hot_fraction", hot_fraction},
                   {"hot_write_share", hot_write_share},
                   {"cpuload", cpuload},
                   {"seed", seed},
                   {"max_bandwidth_mibps", max_bandwidth_mibps},
                   {"downtime_limit_ms", downtime_limit_ms},
                   {"auto_converge", auto_converge},
                   {"xbzrle", xbzrle},
                   {"horizon_s", horizon_s},
                   {"calc_dirty_rate_s", calc_dirty_rate_s},
                   {"accel", accel},
                   {"pti", pti}};
  if (!note.empty()) j["note"] = note;
  if (corrupt_guest_memory) j["corrupt_guest_memory"] = true;  // absent when false: old records unchanged
  if (fault != "none") {
    j["fault"] = fault;
    j["fault_after_s"] = fault_after_s;
  }
  return j;
}

std::string ValidationCase::kernel_cmdline_keys() const {
  std::ostringstream s;
  s.precision(10);
  if (pti) s << "pti=on ";
  s << "migsim.pattern=" << dirty_pattern << " migsim.rate=" << dirty_pages_per_sec
    << " migsim.wss_mib=" << wss_mib << " migsim.fill_mib=" << fill_mib
    << " migsim.pacing=" << pacing << " migsim.hot_fraction=" << hot_fraction
    << " migsim.hot_share=" << hot_write_share << " migsim.seed=" << seed;
  if (!cpuload.empty()) s << " migsim.cpuload=" << cpuload;
  if (corrupt_guest_memory) s << " migsim.corrupt_on_verify=1";
  return s.str();
}

ValidationCase case_from_json(JsonObject& o, const ValidationCase& b, bool need_name) {
  ValidationCase c = b;
  if (need_name) {
    c.name = o.string("name");
  } else if (o.has("name")) {
    throw InputError(o.path("name") + ": a default cannot carry a case name");
  }
  c.split = o.choice("split", {"train", "test"}, b.split);
  c.note = o.string("note", b.note);
  c.repeats = static_cast<int>(o.integer("repeats", b.repeats, bounds::kCount));
  c.ram_mib = o.number("ram_mib", b.ram_mib, bounds::kMemoryMib);
  c.fill_mib = o.number("fill_mib", b.fill_mib, bounds::kMemoryMibOrZero);
  c.wss_mib = o.number("wss_mib", b.wss_mib, bounds::kMemoryMibOrZero);
  c.dirty_pattern = o.choice("dirty_pattern", {"sequential", "uniform", "hotcold"}, b.dirty_pattern);
  c.dirty_pages_per_sec = o.number("dirty_pages_per_sec", b.dirty_pages_per_sec, bounds::kPagesPerSec);
  c.pacing = o.choice("pacing", {"wall", "cpu"}, b.pacing);
  c.hot_fraction = o.number("hot_fraction", b.hot_fraction, bounds::kFraction);
  c.hot_write_share = o.number("hot_write_share", b.hot_write_share, bounds::kFraction);
  c.cpuload = o.string("cpuload", b.cpuload);
  c.seed = static_cast<int>(o.integer("seed", b.seed, bounds::kNonNegativeInt));
  c.max_bandwidth_mibps = o.number("max_bandwidth_mibps", b.max_bandwidth_mibps, bounds::kBandwidthMibps);
  c.downtime_limit_ms = o.number("downtime_limit_ms", b.downtime_limit_ms, bounds::kDowntimeMs);
  c.auto_converge = o.boolean("auto_converge", b.auto_converge);
  c.xbzrle = o.boolean("xbzrle", b.xbzrle);
  c.horizon_s = o.number("horizon_s", b.horizon_s, bounds::kHorizonS);
  c.calc_dirty_rate_s =
      static_cast<int>(o.integer("calc_dirty_rate_s", b.calc_dirty_rate_s, bounds::kCountOrZero));
  c.accel = o.choice("accel", {"tcg", "kvm", "auto"}, b.accel);
  c.pti = o.boolean("pti", b.pti);
  c.corrupt_guest_memory = o.boolean("corrupt_guest_memory", b.corrupt_guest_memory);
  c.fault = o.choice("fault", {"none", "kill-source", "kill-destination", "refuse-connection", "drop-packets", "link-down"},
                     b.fault);
  c.fault_after_s = o.number("fault_after_s", b.fault_after_s, bounds::kMigrationTimeS);
  o.finish();
  return c;
}

void check_case(const ValidationCase& c, const std::string& where) {
  auto bad = [&](const std::string& field, const std::string& why) {
    throw InputError(where + "." + field + ": " + why);
  };
  if (!valid_name(c.name)) {
    bad("name", "'" + c.name + "' must be 1-64 characters of [A-Za-z0-9._-]");
  }
  if (c.repeats > 50) bad("repeats", "at most 50, got " + std::to_string(c.repeats));
  if (c.ram_mib < 128 || c.ram_mib > 16384) {
    bad("ram_mib", "the guest needs 128..16384 MiB, got " + number_text(c.ram_mib));
  }
  if (std::fmod(c.ram_mib, 1.0) != 0.0) bad("ram_mib", "must be whole MiB, got " + number_text(c.ram_mib));
  if (c.wss_mib > c.ram_mib) {
    bad("wss_mib", "a working set of " + number_text(c.wss_mib) + " MiB does not fit in " +
                       number_text(c.ram_mib) + " MiB of RAM");
  }
  if (c.fill_mib < c.wss_mib) {
    bad("fill_mib", number_text(c.fill_mib) + " MiB is less than wss_mib " + number_text(c.wss_mib) +
                        " (the WSS is part of the non-zero fill)");
  }
  if (c.fill_mib + kGuestOsReserveMib > c.ram_mib) {
    bad("fill_mib", number_text(c.fill_mib) + " MiB of fill leaves the guest OS less than " +
                        number_text(kGuestOsReserveMib) + " MiB of its " + number_text(c.ram_mib) + " MiB RAM");
  }
  if (c.dirty_pages_per_sec > 0 && c.wss_mib <= 0) {
    bad("wss_mib", "must be > 0 when dirty_pages_per_sec is " + number_text(c.dirty_pages_per_sec));
  }
  if (c.dirty_pages_per_sec > 5e6) {
    bad("dirty_pages_per_sec", number_text(c.dirty_pages_per_sec) + " is beyond what the guest can write");
  }
  if (c.hot_fraction >= 1 || c.hot_write_share > 1) {
    bad("hot_fraction", "hot/cold needs hot_fraction < 1 and hot_write_share <= 1");
  }
  if (!valid_cpuload(c.cpuload)) {
    bad("cpuload", "'" + c.cpuload + "' is not PCT@SECONDS[,PCT@SECONDS...] with PCT in 0..100");
  }
  if (c.max_bandwidth_mibps > 100000) {
    bad("max_bandwidth_mibps", number_text(c.max_bandwidth_mibps) + " MiB/s is above 100000");
  }
  if (c.downtime_limit_ms > 2000000) {
    bad("downtime_limit_ms", number_text(c.downtime_limit_ms) + " ms is above QEMU's limit of 2000000");
  }
  if (c.horizon_s > 3600) bad("horizon_s", "at most 3600 s, got " + number_text(c.horizon_s));
  if (c.fault != "none" && c.fault_after_s >= c.horizon_s) {
    bad("fault_after_s", number_text(c.fault_after_s) + " s is not before the horizon (" + number_text(c.horizon_s) + " s)");
  }
  if (c.calc_dirty_rate_s > 60) {
    bad("calc_dirty_rate_s", "at most 60 s, got " + std::to_string(c.calc_dirty_rate_s));
  }
}

std::vector<ValidationCase> read_matrix_file(const std::string& path) {
  return parse_matrix(read_json_file(path), path);
}

std::vector<ValidationCase> parse_matrix(const nlohmann::json& doc, const std::string& path) {
  JsonObject top(doc, path);
  ValidationCase defaults;
  if (top.has("defaults")) {
    JsonObject d = top.object("defaults");
    defaults = case_from_json(d, ValidationCase{}, false);
  }
  top.string("description", "");
  auto cases = top.array_of_objects("cases");
  top.finish();
  if (cases.empty()) throw InputError(path + ": cases: the matrix has no cases");
  std::vector<ValidationCase> out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    ValidationCase c = case_from_json(cases[i], defaults, true);
    const std::string where = path + ": cases[" + std::to_string(i) + "] '" + c.name + "'";
    check_case(c, where);
    if (!names.insert(c.name).second) {
      throw InputError(where + ".name: duplicate case name '" + c.name + "'");
    }
    out.push_back(std::move(c));
  }
  return out;
}

models::MigrationScenario scenario_for(const ValidationCase& c, const models::HostProfile& host,
                                       const GuestCalibration& guest) {
  models::MigrationScenario sc;
  sc.host = host;
  sc.memory.ram_mib = c.ram_mib;
  sc.memory.nonzero_mib = std::min(c.ram_mib, guest.nonzero_mib(c));
  sc.memory.tail_nonzero_mib = guest.tail_nonzero_mib(c);
  auto& w = sc.workload;
  w.pattern = models::parse_dirty_pattern(c.dirty_pattern, "dirty_pattern");
  w.pacing = c.pacing == "cpu" ? models::Pacing::CpuTime : models::Pacing::WallClock;
  w.wss_mib = c.wss_mib;
  w.pages_per_sec = c.dirty_pages_per_sec;
  w.hot_fraction = c.hot_fraction;
  w.hot_write_share = c.hot_write_share;
  auto& q = sc.qemu;
  q.max_bandwidth_mibps = c.max_bandwidth_mibps;
  q.downtime_limit_ms = c.downtime_limit_ms;
  q.auto_converge = c.auto_converge;
  sc.options.horizon_s = c.horizon_s;
  sc.options.record_iterations = false;
  // With pti=on the guest flushes TCG's TLB at every kernel entry: nothing is hidden.
  if (c.pti || c.accel == "kvm") sc.host.tcg_tlb_entries = 0.0;
  return sc;
}

}  // namespace migsim::validation
