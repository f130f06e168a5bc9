#include "validation/web_record_writer.hpp"

#include <algorithm>
#include <cmath>

#include "sim/input_error.hpp"
#include "validation/web_record.hpp"

namespace migsim::validation {

namespace {

const char* outcome_name(models::RequestOutcome o) {
  switch (o) {
    case models::RequestOutcome::ok: return "ok";
    case models::RequestOutcome::timeout: return "timeout";
    case models::RequestOutcome::error: return "error";
  }
  return "?";
}

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json build_web_record(const WebCase& c, const WebRunMeasurements& m) {
  const bool planned = c.migration_at_s.has_value();
  const bool described = m.migration_start_s && m.migration_end_s && m.migration_record.is_object();
  if (planned != described) {
    throw InputError("run '" + c.name + "': " +
                     (planned ? std::string("a migration was planned but its start, end or record is missing")
                              : std::string("a migration is described but none was planned")));
  }
  std::optional<models::TimeInterval> during;
  if (described) during = models::TimeInterval{*m.migration_start_s, *m.migration_end_s};

  // The median latency before the migration (of all requests without one): the service time
  // the guest gave when nothing disturbed it.
  std::vector<models::RequestRecord> before;
  for (const auto& r : m.requests) {
    if (!during || r.send_s < during->begin_s) before.push_back(r);
  }
  const double service_ms = models::summarize_requests(before, c.slo_ms).p50_ms;

  // Windows up to the last completion (counted: request_windows takes times below end_s).
  double end_s = c.duration_s;
  for (const auto& r : m.requests) end_s = std::max(end_s, r.done_s + 1e-6);
  end_s = std::ceil(end_s / kWebWindowS - 1e-9) * kWebWindowS;
  const auto windows = models::request_windows(m.requests, kWebWindowS, end_s);
  const auto cpu = host_cpu_windows(m.cpu, kWebWindowS, windows.size());
  nlohmann::json wj = nlohmann::json::array();
  for (std::size_t k = 0; k < windows.size(); ++k) {
    nlohmann::json w = models::to_json(windows[k]);
    w["host_cpu_pct"] = cpu[k] ? nlohmann::json(*cpu[k]) : nlohmann::json(nullptr);
    wj.push_back(std::move(w));
  }

  const models::RequestSummary s = models::summarize_requests(m.requests, c.slo_ms, during);
  nlohmann::json summary = models::to_json(s);
  // The contract's name, beside request_log's own (the same number).
  summary["p99_during_ms"] = s.p99_during_ms ? number_or_null(*s.p99_during_ms) : nlohmann::json(nullptr);
  if (!s.p99_during_ms) summary["p99_during_migration_ms"] = nullptr;

  nlohmann::json rec{{"format", kWebRecordFormat},
                     {"run", c.name},
                     {"split", c.split},
                     {"scenario", c.scenario()},
                     {"app",
                      {{"arrival_rps", c.arrival_rps},
                       {"service_ms", number_or_null(service_ms)},
                       {"slo_ms", c.slo_ms},
                       {"timeout_ms", c.timeout_ms},
                       {"work", c.work_json()}}},
                     {"load",
                      {{"duration_s", c.duration_s},
                       {"requests", m.requests.size()},
                       {"migration_at_s", planned ? nlohmann::json(*c.migration_at_s) : nlohmann::json(nullptr)}}},
                     {"windows", std::move(wj)},
                     {"summary", std::move(summary)},
                     {"env", m.env}};
  rec["migration"] = described ? nlohmann::json{{"start_s", *m.migration_start_s},
                                                {"end_s", *m.migration_end_s},
                                                {"record", m.migration_record}}
                               : nlohmann::json(nullptr);
  return rec;
}

std::string request_log_jsonl(const LoadLog& log) {
  std::string out;
  for (const auto& q : log.requests) {
    const auto& r = q.record;
    out += nlohmann::json{{"send_s", r.send_s},       {"done_s", r.done_s},
                          {"outcome", outcome_name(r.outcome)}, {"lag_s", q.lag_s},
                          {"failure", failure_name(q.failure)}, {"http_status", q.http_status}}
               .dump();
    out += "\n";
  }
  return out;
}

}  // namespace migsim::validation
