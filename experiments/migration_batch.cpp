#include "experiments/migration_batch.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "models/precopy_migration.hpp"
#include "models/qemu_precopy_model.hpp"
#include "models/scenario_json.hpp"
#include "sim/host_ref.hpp"
#include "sim/input_error.hpp"
#include "sim/json_input.hpp"
#include "sim/migration_flows.hpp"
#include "sim/network_scenario.hpp"

namespace migsim::experiments {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

using sim::host_index;

// Hosts a network object names ("host:N", "host:A-B"): one more than the highest.
int hosts_named(const nlohmann::json& network) {
  int hosts = 0;
  if (!network.is_object() || !network.contains("links") || !network["links"].is_array()) return 0;
  for (const auto& l : network["links"]) {
    if (!l.is_object()) continue;
    for (const char* end : {"a", "b"}) {
      if (!l.contains(end) || !l[end].is_string()) continue;
      std::string s = l[end].get<std::string>();
      const auto dash = s.find('-');
      if (dash != std::string::npos) s = "host:" + s.substr(dash + 1);
      hosts = std::max(hosts, host_index(s) + 1);
    }
  }
  return hosts;
}

int read_host(JsonObject& o, const std::string& key, int hosts) {
  const std::string v = o.string(key);
  const int h = host_index(v);
  if (h < 0) throw InputError(o.path(key) + ": expected \"host:N\", got \"" + v + "\"");
  if (hosts > 0 && h >= hosts) {
    throw InputError(o.path(key) + ": unknown host \"" + v + "\" (the network has host:0 to host:" +
                     std::to_string(hosts - 1) + ")");
  }
  return h;
}

}  // namespace

BatchSchedule parse_batch_schedule(const nlohmann::json& v, const std::string& field) {
  BatchSchedule s;
  const char* expected = "expected \"as-given\", \"sequential\", \"shortest-first\", {\"max_per_link\": K} or "
                         "{\"max_per_host\": K}";
  if (v.is_string()) {
    const std::string n = v.get<std::string>();
    if (n == "as-given") return s;
    if (n == "sequential") return {BatchSchedule::Kind::Sequential, 0};
    if (n == "shortest-first") return {BatchSchedule::Kind::ShortestFirst, 0};
    throw InputError(field + ": unknown schedule \"" + n + "\" (" + expected + ")");
  }
  if (v.is_object() && v.size() == 1) {
    JsonObject o(v, field);
    const std::string key = v.begin().key();
    if (key == "max_per_link" || key == "max_per_host") {
      const std::int64_t k = o.integer(key, bounds::kCount);
      o.finish();
      return {key == "max_per_link" ? BatchSchedule::Kind::MaxPerLink : BatchSchedule::Kind::MaxPerHost,
              static_cast<int>(k)};
    }
  }
  throw InputError(field + ": unknown schedule " + json_snippet(v) + " (" + expected + ")");
}

BatchSchedule parse_batch_schedule_flag(const std::string& text, const std::string& flag) {
  if (!text.empty() && text.front() == '{') return parse_batch_schedule(parse_json_text(text, flag), flag);
  const auto colon = text.find(':');
  if (colon != std::string::npos) {
    const std::string key = text.substr(0, colon);
    const std::string num = text.substr(colon + 1);
    long long k = 0;
    const auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), k);
    if (ec != std::errc() || p != num.data() + num.size()) {
      throw InputError(flag + ": expected " + key + ":K with K a whole number, got \"" + text + "\"");
    }
    return parse_batch_schedule(nlohmann::json{{key, k}}, flag);
  }
  return parse_batch_schedule(nlohmann::json(text), flag);
}

std::string to_string(const BatchSchedule& s) {
  switch (s.kind) {
    case BatchSchedule::Kind::AsGiven: return "as-given";
    case BatchSchedule::Kind::Sequential: return "sequential";
    case BatchSchedule::Kind::ShortestFirst: return "shortest-first";
    case BatchSchedule::Kind::MaxPerLink: return "max_per_link:" + std::to_string(s.limit);
    case BatchSchedule::Kind::MaxPerHost: return "max_per_host:" + std::to_string(s.limit);
  }
  return "?";
}

MigrationBatch read_migration_batch(const nlohmann::json& doc, const std::string& where,
                                    const models::HostProfile& profile) {
  MigrationBatch b;
  b.where = where;
  JsonObject top(doc, where);
  top.string("description", "");
  int hosts = 0;
  if (top.has("network")) {
    const nlohmann::json& net = top.raw("network");
    hosts = hosts_named(net);
    if (hosts < 2) throw InputError(top.path("network") + ": names fewer than two hosts (\"host:N\")");
    JsonObject n(net, top.path("network"));
    b.network = sim::parse_network(n, std::vector<double>(static_cast<std::size_t>(hosts),
                                                          std::numeric_limits<double>::quiet_NaN()));
  }
  models::MigrationScenario defaults;
  defaults.host = profile;
  if (top.has("profile")) {
    JsonObject h = top.object("profile");
    defaults.host = models::host_profile_from_json(h, profile);
    h.finish();
  }
  if (top.has("defaults")) {
    JsonObject d = top.object("defaults");
    defaults = models::scenario_from_json(d, defaults);
    d.finish();
  }
  if (top.has("schedule")) b.schedule = parse_batch_schedule(top.raw("schedule"), top.path("schedule"));
  auto list = top.array_of_objects("migrations");
  top.finish();
  if (list.empty()) throw InputError(where + ": migrations: the batch has no migration");
  std::map<std::string, std::string> names;
  for (auto& m : list) {
    BatchMigration bm;
    bm.name = m.string("name");
    const auto [it, fresh] = names.emplace(bm.name, m.where());
    if (!fresh) throw InputError(m.path("name") + ": \"" + bm.name + "\" is also the name of " + it->second);
    bm.from = read_host(m, "from", hosts);
    bm.to = read_host(m, "to", hosts);
    if (bm.from == bm.to) {
      throw InputError(m.path("to") + ": \"host:" + std::to_string(bm.to) + "\" is also its \"from\"");
    }
    bm.start_s = m.number("start_s", 0.0, bounds::kTimeS);
    if (bm.start_s > 1e7) throw InputError(m.path("start_s") + ": at most 1e7 s, got " + std::to_string(bm.start_s));
    bm.scenario = models::scenario_from_json(m, defaults);
    bm.scenario.options.record_iterations = false;
    m.finish();
    b.migrations.push_back(std::move(bm));
  }
  return b;
}

BatchResult run_migration_batch(const MigrationBatch& b) {
  const std::size_t n = b.migrations.size();
  const sim::NetworkTopology* net = b.network.get();
  if (!net && b.schedule.kind == BatchSchedule::Kind::MaxPerLink) {
    throw InputError(b.where + ": schedule max_per_link needs a network");
  }
  std::vector<double> nic_mbps;
  if (net) {
    for (int h = 0; h < net->host_count(); ++h) nic_mbps.push_back(net->link(net->nic_link(h)).capacity_mbps);
  }
  const sim::Sharing sharing = b.sharing ? *b.sharing : net ? sim::Sharing::Network : sim::Sharing::Unshared;
  sim::MigrationFlows flows(sharing, nic_mbps, b.network, b.rerate);
  std::vector<std::vector<int>> routes(n);
  if (net) {
    for (std::size_t i = 0; i < n; ++i) routes[i] = net->route(b.migrations[i].from, b.migrations[i].to);
  }

  // The order migrations are considered in.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  const auto kind = b.schedule.kind;
  if (kind == BatchSchedule::Kind::ShortestFirst) {
    std::vector<double> alone(n);
    for (std::size_t i = 0; i < n; ++i) {
      models::MigrationScenario sc = b.migrations[i].scenario;
      if (net) {
        double bottleneck = kInf;
        for (int l : routes[i]) bottleneck = std::min(bottleneck, net->link(l).capacity_mbps);
        sc.host.link_mibps = models::mibps_of_mbps(bottleneck);
      }
      alone[i] = models::QemuPrecopyModel().predict(sc).total_time_ms;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return alone[x] < alone[y]; });
  } else if (kind != BatchSchedule::Kind::Sequential) {
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      return b.migrations[x].start_s < b.migrations[y].start_s;
    });
  }
  const bool one_at_a_time = kind == BatchSchedule::Kind::Sequential || kind == BatchSchedule::Kind::ShortestFirst;

  BatchResult r;
  r.migrations.resize(n);
  std::vector<std::size_t> pending = order;
  std::map<long long, std::size_t> of_flow;
  std::vector<int> on_link(net ? static_cast<std::size_t>(net->link_count()) : 0, 0);
  std::vector<int> on_host;
  for (const auto& m : b.migrations) on_host.resize(std::max<std::size_t>(on_host.size(), 1 + std::max(m.from, m.to)));

  auto fits = [&](std::size_t i) {
    const BatchMigration& m = b.migrations[i];
    switch (kind) {
      case BatchSchedule::Kind::MaxPerLink:
        return std::all_of(routes[i].begin(), routes[i].end(),
                           [&](int l) { return on_link[static_cast<std::size_t>(l)] < b.schedule.limit; });
      case BatchSchedule::Kind::MaxPerHost:
        return on_host[static_cast<std::size_t>(m.from)] < b.schedule.limit &&
               on_host[static_cast<std::size_t>(m.to)] < b.schedule.limit;
      default: return true;
    }
  };
  auto occupy = [&](std::size_t i, int d) {
    for (int l : routes[i]) on_link[static_cast<std::size_t>(l)] += d;
    on_host[static_cast<std::size_t>(b.migrations[i].from)] += d;
    on_host[static_cast<std::size_t>(b.migrations[i].to)] += d;
  };
  auto admit = [&](double t) {
    std::vector<std::size_t> now;
    std::vector<sim::MigrationFlows::Endpoints> ends;
    for (auto it = pending.begin(); it != pending.end();) {
      const std::size_t i = *it;
      const bool may = b.migrations[i].start_s <= t && fits(i) &&
                       (!one_at_a_time || (flows.in_flight() == 0 && now.empty()));
      if (one_at_a_time && !may) break;  // strictly in order
      if (!may) {
        ++it;
        continue;
      }
      occupy(i, +1);
      now.push_back(i);
      const double cap = b.migrations[i].scenario.qemu.max_bandwidth_mibps;
      ends.push_back({b.migrations[i].from, b.migrations[i].to, cap > 0 ? models::mbps_of_mibps(cap) : kInf});
      it = pending.erase(it);
    }
    if (now.empty()) return;
    const std::vector<long long> ids = flows.start(t, ends, [&](std::size_t k, double rate) {
      models::MigrationScenario sc = b.migrations[now[k]].scenario;
      if (net) sc.host.link_mibps = models::mibps_of_mbps(rate);
      return std::make_unique<models::PrecopyMigration>(std::move(sc), t);
    });
    for (std::size_t k = 0; k < ids.size(); ++k) of_flow[ids[k]] = now[k];
  };
  auto next_start = [&](double t) {
    double next = kInf;
    for (std::size_t i : pending) {
      if (b.migrations[i].start_s > t) next = std::min(next, b.migrations[i].start_s);
      if (one_at_a_time) break;
    }
    return next;
  };

  double t = kInf;
  for (const auto& m : b.migrations) t = std::min(t, m.start_s);
  for (;;) {
    if (flows.next_event_s() <= t) {
      for (const auto& f : flows.step(t)) {
        const std::size_t i = of_flow.at(f.id);
        of_flow.erase(f.id);
        occupy(i, -1);
        const BatchMigration& m = b.migrations[i];
        BatchOutcome& o = r.migrations[i];
        o.converged = f.timing.converged;
        o.start_s = f.start_s;
        if (o.converged) {
          o.end_s = f.end_s;
          o.total_time_ms = f.timing.duration_s * 1000.0;
          o.downtime_ms = f.timing.downtime_s * 1000.0;
        } else {
          o.end_s = f.start_s + m.scenario.options.horizon_s;
          o.total_time_ms = m.scenario.options.horizon_s * 1000.0;
        }
        o.transferred_bytes = f.timing.transferred_bytes;
        o.dirty_syncs = f.timing.dirty_syncs;
      }
    }
    admit(t);
    const double tn = std::min(flows.next_event_s(), next_start(t));
    if (!std::isfinite(tn)) break;
    t = tn;
  }
  if (!pending.empty() || flows.in_flight() != 0) {
    throw std::logic_error("migration batch: migrations left unscheduled");
  }
  double first = kInf, last = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    BatchOutcome& o = r.migrations[i];
    o.name = b.migrations[i].name;
    o.from = b.migrations[i].from;
    o.to = b.migrations[i].to;
    first = std::min(first, o.start_s);
    last = std::max(last, o.end_s);
    r.converged_all = r.converged_all && o.converged;
  }
  r.makespan_s = last - first;
  r.milestones = flows.milestones();
  r.rate_changes = flows.rate_changes();
  return r;
}

nlohmann::json to_json(const BatchResult& r) {
  nlohmann::json ms = nlohmann::json::array();
  for (const BatchOutcome& o : r.migrations) {
    ms.push_back({{"name", o.name},
                  {"start_s", o.start_s},
                  {"end_s", o.end_s},
                  {"total_time_ms", o.total_time_ms},
                  {"downtime_ms", o.downtime_ms},
                  {"transferred_bytes", o.transferred_bytes},
                  {"dirty_syncs", o.dirty_syncs},
                  {"converged", o.converged}});
  }
  return {{"makespan_s", r.makespan_s}, {"converged_all", r.converged_all}, {"migrations", ms}};
}

}  // namespace migsim::experiments
