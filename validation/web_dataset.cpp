#include "validation/web_dataset.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "models/app_bounds.hpp"
#include "sim/input_error.hpp"
#include "sim/json_input.hpp"
#include "traces/atomic_file.hpp"
#include "validation/web_record.hpp"

namespace migsim::validation {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A latency that may be null (no request of the window had one).
double nullable_ms(JsonObject& o, const char* key) {
  const nlohmann::json& v = o.raw(key);
  if (v.is_null()) return kNaN;
  if (!v.is_number()) throw InputError(o.path(key) + ": expected a number or null, got " + json_snippet(v));
  return check_bound(o.path(key), v.get<double>(), bounds::kCostMs, json_snippet(v));
}

std::size_t count(JsonObject& o, const char* key) {
  return static_cast<std::size_t>(o.integer(key, bounds::kNonNegativeInt));
}

models::AppParams read_app(JsonObject o) {
  models::AppParams a;
  a.arrival_rps = o.number("arrival_rps", bounds::kRequestRateRps);
  // null when no request completed before the migration (record-web): the run's p50 then.
  const nlohmann::json& svc = o.raw("service_ms");
  a.service_ms = svc.is_null() ? 0.0
                               : check_bound(o.path("service_ms"), svc.is_number() ? svc.get<double>() : -1.0,
                                             models::app_bounds::kServiceMs, json_snippet(svc));
  a.slo_ms = o.number("slo_ms", models::app_bounds::kServiceMs);
  a.timeout_ms = o.number("timeout_ms", bounds::kRequestTimeoutMs);
  if (o.has("work")) o.raw("work");  // the guest app's own knobs: not the model's business
  o.finish();
  return a;
}

// One numeric column of the record's trajectory {"columns": [...], "rows": [[...]]} over time:
// {start_s + t_ms / 1000, value} per row; empty when the trajectory or the column is absent.
std::vector<std::pair<double, double>> trajectory_column(const nlohmann::json& rec, double start_s,
                                                         const std::string& column, const std::string& where) {
  std::vector<std::pair<double, double>> out;
  if (!rec.contains("trajectory")) return out;
  const auto& tr = rec["trajectory"];
  if (!tr.is_object() || !tr.contains("columns") || !tr.contains("rows") || !tr["columns"].is_array() ||
      !tr["rows"].is_array()) {
    throw InputError(where + ": trajectory: expected {\"columns\": [...], \"rows\": [...]}");
  }
  std::size_t t_col = 0, v_col = 0;
  bool have_t = false, have_v = false;
  for (std::size_t i = 0; i < tr["columns"].size(); ++i) {
    if (tr["columns"][i] == "t_ms") t_col = i, have_t = true;
    if (tr["columns"][i] == column) v_col = i, have_v = true;
  }
  if (!have_t || !have_v) return out;
  for (const auto& row : tr["rows"]) {
    if (!row.is_array() || row.size() <= std::max(t_col, v_col) || !row[t_col].is_number() ||
        !row[v_col].is_number()) {
      throw InputError(where + ": trajectory.rows: expected numbers in t_ms and " + column + ", got " +
                       json_snippet(row));
    }
    out.emplace_back(start_s + row[t_col].get<double>() / 1000.0, row[v_col].get<double>());
  }
  return out;
}

// The throttle over time: the steps where cpu_throttle_pct changes.
std::vector<models::ThrottleStep> throttle_of(const nlohmann::json& rec, double start_s, const std::string& where) {
  std::vector<models::ThrottleStep> out;
  for (const auto& [t, pct] : trajectory_column(rec, start_s, "cpu_throttle_pct", where)) {
    if (out.empty() ? pct > 0.0 : pct != out.back().pct) out.push_back({t, pct});
  }
  return out;
}

WebMigration read_migration(JsonObject o, double duration_s) {
  WebMigration m;
  m.start_s = o.number("start_s", bounds::kTimeS);
  m.end_s = o.number("end_s", bounds::kTimeS);
  if (m.end_s < m.start_s) {
    throw InputError(o.path("end_s") + ": must be >= start_s (" + number_text(m.start_s) + "), got " +
                     number_text(m.end_s));
  }
  if (m.start_s > duration_s) {
    throw InputError(o.path("start_s") + ": after the load's end (" + number_text(duration_s) + " s), got " +
                     number_text(m.start_s));
  }
  const nlohmann::json& rec = o.raw("record");
  m.measured = measured_from_record(rec, o.path("record"));
  if (m.measured.failed) throw InputError(o.path("record") + ".outcome: 'failed' (web runs record no failed migrations)");
  m.throttle = throttle_of(rec, m.start_s, o.path("record"));
  m.dirty_rate = trajectory_column(rec, m.start_s, "dirty_pages_rate", o.path("record"));
  o.finish();
  return m;
}

WebWindow read_window(JsonObject o) {
  WebWindow w;
  auto& r = w.requests;
  r.t_s = o.number("t_s", bounds::kTimeS);
  r.sent = count(o, "sent");
  r.completed = count(o, "completed");
  r.errors = count(o, "errors");
  r.timeouts = count(o, "timeouts");
  r.p50_ms = nullable_ms(o, "p50_ms");
  r.p99_ms = nullable_ms(o, "p99_ms");
  r.max_ms = nullable_ms(o, "max_ms");
  r.throughput_rps = o.number("throughput_rps", NumberRule::NonNegative);
  const nlohmann::json& cpu = o.raw("host_cpu_pct");
  if (!cpu.is_null()) {
    if (!cpu.is_number()) throw InputError(o.path("host_cpu_pct") + ": expected a number or null, got " + json_snippet(cpu));
    w.host_cpu_pct = check_bound(o.path("host_cpu_pct"), cpu.get<double>(), Bound{0, 1e6, false, "%"},
                                 json_snippet(cpu));
  }
  o.finish();
  return w;
}

models::RequestSummary read_summary(JsonObject o, bool migration) {
  models::RequestSummary s;
  s.requests = count(o, "requests");
  s.completed = count(o, "completed");
  s.errors = count(o, "errors");
  s.timeouts = count(o, "timeouts");
  s.requests_over_slo = count(o, "requests_over_slo");
  s.p50_ms = nullable_ms(o, "p50_ms");
  s.p99_ms = nullable_ms(o, "p99_ms");
  s.max_ms = nullable_ms(o, "max_ms");
  s.max_stall_ms = o.number("max_stall_ms", bounds::kCostMs);
  // models::to_json(RequestSummary) names it p99_during_migration_ms; web_record.hpp's comment
  // p99_during_ms: either is read.
  for (const char* key : {"p99_during_migration_ms", "p99_during_ms"}) {
    if (o.has(key)) s.p99_during_ms = nullable_ms(o, key);
  }
  if (migration && !s.p99_during_ms) {
    throw InputError(o.where() + ": p99_during_migration_ms: missing (the run has a migration)");
  }
  o.finish();
  return s;
}

}  // namespace

models::MigrationTimeline WebMigration::timeline() const {
  return models::timeline_from_measured(start_s, measured.total_time_ms, measured.downtime_ms, measured.converged,
                                        throttle);
}

WebRun web_run_from_record(const nlohmann::json& rec, const std::string& where) {
  JsonObject o(rec, where);
  const std::string format = o.string("format");
  if (format != kWebRecordFormat) {
    throw InputError(where + ": format: expected \"" + std::string(kWebRecordFormat) + "\", got \"" + format + "\"");
  }
  WebRun r;
  r.where = where;
  r.run = o.string("run");
  r.split = o.choice("split", {"train", "report"});
  r.scenario = o.choice("scenario", {"none", "migrate", "auto-converge", "policy"});
  r.app = read_app(o.object("app"));
  {
    JsonObject load = o.object("load");
    r.duration_s = load.number("duration_s", bounds::kLoadDurationS);
    r.requests = static_cast<std::size_t>(load.integer("requests", bounds::kRequestCount));
    const nlohmann::json& at = load.raw("migration_at_s");
    if (!at.is_null() && !at.is_number()) {
      throw InputError(load.path("migration_at_s") + ": expected a number or null, got " + json_snippet(at));
    }
    load.finish();
  }
  const nlohmann::json& mig = o.raw("migration");
  if (!mig.is_null()) r.migration = read_migration(JsonObject(mig, where + ": migration"), r.duration_s);
  if (r.scenario == "none" && r.migration) throw InputError(where + ": migration: scenario \"none\" has none");
  if (r.scenario != "none" && !r.migration) {
    throw InputError(where + ": migration: null, but scenario \"" + r.scenario + "\" migrates");
  }
  for (auto& w : o.array_of_objects("windows")) r.windows.push_back(read_window(std::move(w)));
  r.summary = read_summary(o.object("summary"), r.migration.has_value());
  if (!(r.app.service_ms > 0.0)) {
    if (!(std::isfinite(r.summary.p50_ms) && r.summary.p50_ms > 0.0)) {
      throw InputError(where + ": app.service_ms: null and no p50_ms in the summary to take instead");
    }
    r.app.service_ms = r.summary.p50_ms;
  }
  o.raw("env");
  o.finish();
  return r;
}

std::vector<WebRun> parse_web_dataset(const std::string& text, const std::string& path) {
  std::vector<WebRun> out;
  std::set<std::string> names;
  for_each_jsonl_line_of(text, path, [&](const std::string& line, const std::string& where) {
    out.push_back(web_run_from_record(parse_json_text(line, where), where));
    if (!names.insert(out.back().run).second) {
      throw InputError(where + ": run: \"" + out.back().run + "\" appears twice in the dataset");
    }
    return true;
  });
  if (out.empty()) throw InputError(path + ": the dataset has no records");
  return out;
}

std::vector<WebRun> read_web_dataset(const std::string& path) { return parse_web_dataset(traces::read_file(path), path); }

bool is_web_dataset(const std::string& path) {
  bool web = false;
  for_each_jsonl_line(path, [&](const std::string& line, const std::string& where) {
    const nlohmann::json rec = parse_json_text(line, where);
    web = rec.is_object() && rec.contains("format") && rec["format"] == kWebRecordFormat;
    return false;
  });
  return web;
}

}  // namespace migsim::validation
