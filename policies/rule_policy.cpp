#include "policies/rule_policy.hpp"

#include "policies/evacuation.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <cstdlib>
#include <sstream>
#include <unordered_map>

#include "policies/policy_registry.hpp"
#include "policies/power_aware_placement.hpp"
#include "policies/underload_consolidation.hpp"
#include "sim/input_error.hpp"
#include "sim/json_input.hpp"

namespace migsim::policies {

double requested_ram_fraction(const sim::Placement& p, int host, int extra) {
  double ram = 0;
  for (int v : p.vms_on(host)) ram += p.vm(v).ram_mib;
  if (extra >= 0) ram += p.vm(extra).ram_mib;
  return ram / p.host(host).ram_mib;
}

namespace {

// The migrate rules as an instantaneous overload test (for placement targets).
class AnyCondition final : public OverloadDetector {
 public:
  explicit AnyCondition(std::vector<HostCondition> c) : conds_(std::move(c)) {}
  std::string name() const override { return "rules"; }
  bool overloaded_with(const sim::Placement& p, int host, int extra) const override {
    for (const auto& c : conds_) {
      if (c.holds(p, host, extra)) return true;
    }
    return false;
  }

 private:
  std::vector<HostCondition> conds_;
};
}  // namespace

HostCondition HostCondition::parse(const std::string& text, const std::string& where) {
  HostCondition c;
  c.text_ = text;
  std::istringstream in(text);
  std::vector<std::string> tok;
  for (std::string t; in >> t;) tok.push_back(t);
  auto fail = [&](const std::string& why) {
    throw InputError(where + ": " + why + " in rule '" + text +
                     "' (expected e.g. \"cpu > 0.8\" or \"cpu > 0.6 and mem > 0.75\")");
  };
  if (tok.empty()) fail("empty condition");
  std::vector<Term> group;
  std::size_t i = 0;
  while (true) {
    if (i + 3 > tok.size()) fail("incomplete comparison");
    Term t{};
    const RuleMetricEntry* metric = find_rule_metric(tok[i]);
    if (!metric) fail("unknown metric '" + tok[i] + "' (" + join_names(rule_metric_names(), " or ") + ")");
    t.metric = metric->value;
    const std::string& op = tok[i + 1];
    if (op == ">") {
      t.op = 0;
    } else if (op == ">=") {
      t.op = 1;
    } else if (op == "<") {
      t.op = 2;
    } else if (op == "<=") {
      t.op = 3;
    } else {
      fail("unknown operator '" + op + "'");
    }
    char* end = nullptr;
    t.value = std::strtod(tok[i + 2].c_str(), &end);
    if (end == tok[i + 2].c_str() || *end != '\0' || !std::isfinite(t.value)) {
      fail("'" + tok[i + 2] + "' is not a number");
    }
    group.push_back(t);
    i += 3;
    if (i == tok.size()) break;
    if (tok[i] == "and") {
      ++i;
    } else if (tok[i] == "or") {
      c.any_of_.push_back(std::move(group));
      group.clear();
      ++i;
    } else {
      fail("expected 'and' or 'or', got '" + tok[i] + "'");
    }
  }
  c.any_of_.push_back(std::move(group));
  return c;
}

bool HostCondition::grows_with_load() const {
  for (const auto& group : any_of_) {
    for (const Term& t : group) {
      if (t.op != 0 && t.op != 1) return false;
    }
  }
  return true;
}

bool HostCondition::holds(const sim::Placement& p, int host, int extra) const {
  if (p.vms_on(host).empty() && extra < 0) return false;
  for (const auto& group : any_of_) {
    bool all = true;
    for (const Term& t : group) {
      const double x = t.metric(p, host, extra);
      bool ok = false;
      switch (t.op) {
        case 0: ok = x > t.value; break;
        case 1: ok = x >= t.value; break;
        case 2: ok = x < t.value; break;
        default: ok = x <= t.value; break;
      }
      if (!ok) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

RulePolicy::RulePolicy(std::vector<RuleSpec> migrate, std::optional<RuleSpec> underload,
                       std::unique_ptr<VmSelector> selector, AdmissionControl admission, int host_count,
                       RulePlanning planning)
    : migrate_(std::move(migrate)),
      underload_(std::move(underload)),
      selector_(std::move(selector)),
      admission_(std::move(admission)),
      planning_(planning),
      streak_(migrate_.size(), std::vector<int>(static_cast<std::size_t>(host_count), 0)),
      under_streak_(static_cast<std::size_t>(host_count), 0) {
  std::vector<HostCondition> conds;
  for (const auto& r : migrate_) conds.push_back(r.when);
  instant_ = std::make_unique<AnyCondition>(std::move(conds));
}

std::string RulePolicy::name() const {
  std::string n = "rules(";
  for (std::size_t i = 0; i < migrate_.size(); ++i) n += (i ? "; " : "") + migrate_[i].when.text();
  return n + ")";
}

std::string RulePolicy::cause_name(int cause) const {
  const int rule = cause - sim::kCauseOverload;
  if (rule >= 0 && rule < static_cast<int>(migrate_.size())) return "rule " + migrate_[rule].when.text();
  if (cause == sim::kCauseUnderload && underload_) return "underload " + underload_->when.text();
  return ConsolidationPolicy::cause_name(cause);
}

int RulePolicy::place_new(sim::Placement& p, int vm) {
  std::vector<char> excluded(static_cast<std::size_t>(p.host_count()), 0);
  return PowerAwareBestFit(*instant_).find_host(p, vm, excluded);
}

std::vector<sim::MigrationOrder> RulePolicy::optimize(sim::Placement& p, double now) {
  std::vector<int> triggered;
  std::unordered_map<int, int> fired_rule;  // of a triggered host: the first rule that fired
  for (int h = 0; h < p.host_count(); ++h) {
    int fire = -1;
    for (std::size_t r = 0; r < migrate_.size(); ++r) {
      int& s = streak_[r][h];
      s = migrate_[r].when.holds(p, h) ? s + 1 : 0;
      if (s >= migrate_[r].for_samples && fire < 0) fire = static_cast<int>(r);
    }
    if (fire >= 0) {
      triggered.push_back(h);
      fired_rule.emplace(h, fire);
    }
  }
  std::vector<int> underloaded_ok(static_cast<std::size_t>(p.host_count()), 1);
  if (underload_) {
    for (int h = 0; h < p.host_count(); ++h) {
      int& s = under_streak_[h];
      s = underload_->when.holds(p, h) ? s + 1 : 0;
      underloaded_ok[h] = s >= underload_->for_samples ? 1 : 0;
    }
  }
  // Moves are offered to admission control as they are planned, and planning
  // ends once no further move could start (the total limit is reached): the
  // moves admitted are those planning everything and filtering would give.
  AdmissionControl::Step admitted = admission_.begin(p, now);
  {
    const sim::TrialMoves trial(p);
    std::vector<int> to_move;
    std::unordered_map<int, int> source;  // of the VMs selected (destroyed in the trial)
    for (int h : triggered) {
      while (true) {
        const int v = selector_->select(p, h);
        if (v < 0) break;
        to_move.push_back(v);
        source[v] = h;
        p.destroy(h, v);
        if (!instant_->overloaded(p, h)) break;
      }
    }
    std::vector<char> excluded(static_cast<std::size_t>(p.host_count()), 0);
    for (int h : triggered) excluded[h] = 1;
    const PowerAwareBestFit pabfd(*instant_);
    UnderloadPlanner planner(p, pabfd);
    // With admitted_only a refused move is taken back from its target at once
    // (which gives capacity back: earlier failures to find a target may no longer hold).
    auto offer = [&](const sim::MigrationOrder& o) {
      if (!admitted.offer(o) && planning_.admitted_only) {
        p.destroy(o.target_host, o.vm);
        planner.forget_failures();
      }
      return !admitted.full();
    };
    if (!admitted.full() && !to_move.empty()) {
      if (planning_.admitted_only) {
        std::erase_if(to_move, [&](int v) { return admitted.cooling_down(v); });
      }
      pabfd.place_all(p, to_move, PowerAwareBestFit::Candidates{excluded}, false,
                      [&](int v, int h) {
                        const int from = source.at(v);
                        return offer({v, h, from, sim::kCauseOverload + fired_rule.at(from)});
                      });
    }
    if (underload_ && !admitted.full()) {
      UnderloadPlan plan;
      // Hosts whose underload rule has not held long enough are not candidates.
      plan.not_sources = triggered;
      for (int h = 0; h < p.host_count(); ++h) {
        if (!underloaded_ok[h]) plan.not_sources.push_back(h);
      }
      plan.not_targets = planning_.admitted_only ? triggered : plan.not_sources;
      plan.emit = [&](sim::MigrationOrder o) {
        // A VM the overload step moved in the trial still runs on its source.
        if (const auto it = source.find(o.vm); it != source.end()) o.source_host = it->second;
        return offer(o);
      };
      if (planning_.admitted_only) {
        plan.may_empty = [&](int host, const std::vector<int>& vms) {
          if (!admitted.has_room(host, static_cast<int>(vms.size()))) return false;
          for (int v : vms) {
            if (admitted.cooling_down(v)) return false;
          }
          return true;
        };
        // Planning effort in proportion to what can start: at most twice as
        // many hosts tried as there are free slots (the least utilised first).
        if (admitted.free_slots() >= 0) plan.max_attempts = 2 * admitted.free_slots();
        plan.remember_failures = std::all_of(migrate_.begin(), migrate_.end(),
                                             [](const RuleSpec& r) { return r.when.grows_with_load(); });
      }
      planner.run(plan);
    }
  }
  // The orders as the engine takes them: the VMs are back on their sources.
  std::vector<sim::MigrationOrder> orders;
  for (const auto& o : admitted.admitted()) orders.push_back({o.vm, o.target_host, -1, o.cause});
  return orders;
}

std::vector<sim::MigrationOrder> RulePolicy::evacuate(sim::Placement& p, int host, double now) {
  const PowerAwareBestFit pabfd(*instant_);
  return admission_.admit(p, evacuation_moves(p, host, pabfd), now);
}

std::unique_ptr<RulePolicy> make_rule_policy(const nlohmann::json& j, const std::string& where,
                                             int host_count, int vm_count, std::uint64_t seed,
                                             const sim::MigrationTimer* timer) {
  JsonObject o(j, where);
  o.choice("type", {kRulePolicyName});
  std::vector<RuleSpec> rules;
  for (auto& r : o.array_of_objects("rules")) {
    RuleSpec spec{HostCondition::parse(r.string("when"), r.path("when")),
                  static_cast<int>(r.integer("for_samples", 1, bounds::kSamples))};
    r.choice("action", rule_action_names(), rule_action_names().front());
    r.finish();
    rules.push_back(std::move(spec));
  }
  if (rules.empty()) throw InputError(o.path("rules") + ": at least one rule is required");
  std::optional<RuleSpec> under;
  if (o.has("underload")) {
    JsonObject u = o.object("underload");
    under = RuleSpec{HostCondition::parse(u.string("when"), u.path("when")),
                     static_cast<int>(u.integer("for_samples", 1, bounds::kSamples))};
    u.finish();
  }
  const std::string sel = o.choice("selection", selector_names(), selector_names().front());
  std::unique_ptr<VmSelector> selector = find_selector(sel)->make(seed);
  AdmissionLimits lim;
  if (o.has("admission")) {
    JsonObject a = o.object("admission");
    lim.max_per_host = static_cast<int>(
        a.integer("max_concurrent_per_host", std::numeric_limits<int>::max(), bounds::kCount));
    lim.max_total = static_cast<int>(
        a.integer("max_concurrent_total", std::numeric_limits<int>::max(), bounds::kCount));
    lim.vm_cooldown_s = a.number("vm_cooldown_s", 0.0, bounds::kTimeS);
    lim.max_downtime_ms =
        a.number("max_downtime_ms", std::numeric_limits<double>::infinity(), bounds::kDowntimeMs);
    a.finish();
  }
  RulePlanning planning;
  planning.admitted_only = o.choice("planning", {"all", "admitted"}, "all") == "admitted";
  o.finish();
  return std::make_unique<RulePolicy>(std::move(rules), std::move(under), std::move(selector),
                                      AdmissionControl(lim, vm_count, timer), host_count, planning);
}

}  // namespace migsim::policies
