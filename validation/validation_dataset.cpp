#include "validation/validation_dataset.hpp"

#include <algorithm>
#include <vector>

#include "sim/input_error.hpp"
#include "sim/json_input.hpp"
#include "sim/name_list.hpp"
#include "traces/atomic_file.hpp"
#include "validation/migration_runner.hpp"

namespace migsim::validation {

namespace {

const nlohmann::json& field(const nlohmann::json& j, const std::string& key,
                            const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw InputError(where + ": record lacks '" + key + "'");
  return j.at(key);
}

double number(const nlohmann::json& j, const std::string& key, const std::string& where) {
  const auto& v = field(j, key, where);
  if (!v.is_number()) throw InputError(where + ": '" + key + "' is not a number: " + json_snippet(v));
  return v.get<double>();
}

// A whole count kept in an int (checked before it is converted).
int count(const nlohmann::json& j, const std::string& key, const std::string& where) {
  const double v = number(j, key, where);
  return static_cast<int>(check_bound(where + ": " + key, v, bounds::kNonNegativeInt, json_snippet(j.at(key))));
}

std::string text(const nlohmann::json& j, const std::string& key, const std::string& where) {
  const auto& v = field(j, key, where);
  if (!v.is_string()) throw InputError(where + ": '" + key + "' is not a string: " + json_snippet(v));
  return v.get<std::string>();
}

// The keys `migsim validate record` writes at the top of a record: any other is
// a mistake (a hand edit, another tool's file), refused as every reader does.
void check_record_keys(const nlohmann::json& rec, const std::string& where) {
  static const std::vector<std::string> known{"capabilities", "case", "config", "env", "failure_reason", "fault",
                                              "format", "guest", "guest_alive_after", "guest_memory", "outcome",
                                              "parameters", "qemu", "qemu_last_active", "repeat", "split",
                                              "trajectory"};
  for (auto it = rec.begin(); it != rec.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
      throw InputError(where + ": " + it.key() + ": unknown key (known here: " + join_names(known, ", ") + ")");
    }
  }
}

}  // namespace

MeasuredMigration measured_from_record(const nlohmann::json& rec, const std::string& where) {
  if (!rec.is_object()) throw InputError(where + ": expected a JSON object");
  const auto& fmt = field(rec, "format", where);
  if (!fmt.is_string() || fmt.get<std::string>() != kRecordFormat) {
    throw InputError(where + ": format: expected \"" + std::string(kRecordFormat) + "\", got " +
                     json_snippet(fmt));
  }
  check_record_keys(rec, where);
  MeasuredMigration m;
  m.where = where;
  {
    JsonObject cfg(field(rec, "config", where), where + ": config");
    ValidationCase base;
    base.pti = false;  // records made before the "pti" key existed booted without it
    m.config = case_from_json(cfg, base, true);
  }
  m.config.split = text(rec, "split", where);
  m.repeat = count(rec, "repeat", where);
  const std::string outcome = text(rec, "outcome", where);
  if (outcome != "completed" && outcome != "not-converged" && outcome != "failed") {
    throw InputError(where + ": outcome: unknown value '" + outcome + "'");
  }
  if (rec.contains("guest_memory") && !rec["guest_memory"].is_object()) {
    throw InputError(where + ": guest_memory: expected an object, got " + json_snippet(rec["guest_memory"]));
  }
  if (outcome == "failed") {
    m.failed = true;
    m.failure_reason = text(rec, "failure_reason", where);
    if (m.failure_reason.empty()) throw InputError(where + ": failure_reason: empty for a failed migration");
    return m;
  }
  if (rec.contains("failure_reason")) {
    throw InputError(where + ": failure_reason: only a failed migration has one (outcome '" + outcome + "')");
  }
  m.converged = outcome == "completed";
  const nlohmann::json& q = m.converged ? field(rec, "qemu", where)
                                         : field(rec, "qemu_last_active", where);
  const std::string qw = where + (m.converged ? ": qemu" : ": qemu_last_active");
  const auto& ram = field(q, "ram", qw);
  m.total_time_ms = number(q, "total-time", qw);
  if (m.converged && m.total_time_ms <= 0) {
    throw InputError(qw + ": total-time is 0 for a completed migration (a query-migrate answered between "
                          "QEMU setting \"completed\" and computing its statistics; harnesses since 2026-12-02 ask again)");
  }
  m.setup_time_ms = q.contains("setup-time") ? number(q, "setup-time", qw) : 0.0;
  m.downtime_ms = m.converged ? number(q, "downtime", qw) : 0.0;
  m.transferred_bytes = number(ram, "transferred", qw + ".ram");
  m.normal_pages = number(ram, "normal", qw + ".ram");
  m.zero_pages = number(ram, "duplicate", qw + ".ram");
  m.downtime_bytes = ram.contains("downtime-bytes") ? number(ram, "downtime-bytes", qw) : 0.0;
  m.dirty_syncs = count(ram, "dirty-sync-count", qw + ".ram");
  m.throttle_pct = q.contains("cpu-throttle-percentage") ? number(q, "cpu-throttle-percentage", qw) : 0.0;
  if (rec.contains("guest")) {
    const auto& g = rec["guest"];
    if (g.contains("hb_rates_during_migration") && g["hb_rates_during_migration"].is_array()) {
      double sum = 0;
      int n = 0;
      for (const auto& p : g["hb_rates_during_migration"]) {
        if (p.is_array() && p.size() == 2 && p[1].is_number()) {
          sum += p[1].get<double>();
          ++n;
        }
      }
      m.guest_rate_pages_per_sec = n > 0 ? sum / n : 0.0;
    }
    if (g.contains("calc_dirty_rate") && g["calc_dirty_rate"].contains("dirty-rate")) {
      m.calc_dirty_rate_mbps = number(g["calc_dirty_rate"], "dirty-rate", where + ": guest.calc_dirty_rate");
    }
  }
  if (rec.contains("env") && rec["env"].contains("host_load_1min_start")) {
    m.host_load_1min = number(rec["env"], "host_load_1min_start", where + ": env");
  }
  if (rec.contains("env") && rec["env"].contains("foreign_cpu_cores")) {
    m.foreign_cpu_cores = number(rec["env"], "foreign_cpu_cores", where + ": env");
  }
  return m;
}

void for_each_jsonl_line_of(const std::string& text, const std::string& path,
                            const std::function<bool(const std::string&, const std::string&)>& f) {
  std::size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (!f(line, path + ":" + std::to_string(line_no))) return;
  }
}

void for_each_jsonl_line(const std::string& path,
                         const std::function<bool(const std::string&, const std::string&)>& f) {
  for_each_jsonl_line_of(traces::read_file(path), path, f);
}

std::vector<MeasuredMigration> read_dataset(const std::string& path) {
  return parse_dataset(traces::read_file(path), path);
}

std::vector<MeasuredMigration> parse_dataset(const std::string& text, const std::string& path) {
  std::vector<MeasuredMigration> out;
  for_each_jsonl_line_of(text, path, [&](const std::string& line, const std::string& where) {
    MeasuredMigration m = measured_from_record(parse_json_text(line, where), where);
    if (!m.failed) out.push_back(std::move(m));
    return true;
  });
  if (out.empty()) throw InputError(path + ": the dataset has no records");
  return out;
}

std::vector<MeasuredMigration> read_datasets(const std::vector<std::string>& paths) {
  std::vector<MeasuredMigration> out;
  for (const auto& f : paths) {
    auto part = read_dataset(f);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

std::string dataset_label(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& f : paths) out += (out.empty() ? "" : " + ") + f;
  return out;
}

}  // namespace migsim::validation
