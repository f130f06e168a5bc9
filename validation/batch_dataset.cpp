#include "validation/batch_dataset.hpp"

#include <set>

#include "sim/input_error.hpp"
#include "sim/json_input.hpp"
#include "validation/batch_runner.hpp"

namespace migsim::validation {

namespace {

bool is_batch_record(const nlohmann::json& rec) {
  const auto it = rec.find("format");
  return it != rec.end() && it->is_string() && it->get_ref<const std::string&>() == kBatchRecordFormat;
}

}  // namespace

MeasuredBatch measured_batch_from_record(const nlohmann::json& rec, const std::string& where) {
  if (!rec.is_object()) throw InputError(where + ": expected a JSON object");
  if (!is_batch_record(rec)) {
    throw InputError(where + ": format: expected \"" + std::string(kBatchRecordFormat) + "\", got " +
                     json_snippet(rec.value("format", nlohmann::json())));
  }
  JsonObject o(rec, where);
  MeasuredBatch b;
  b.where = where;
  o.string("format");
  b.name = o.string("batch");
  b.repeat = static_cast<int>(o.integer("repeat", NumberRule::Positive));
  b.split = o.choice("split", {"train", "test"});
  b.makespan_s = o.number("makespan_s", NumberRule::NonNegative);
  JsonObject link = o.object("link");
  b.link_mbit = link.number("rate_mbit", NumberRule::Positive);
  b.delay_ms = link.number("delay_ms", 0.0, NumberRule::NonNegative);
  if (link.has("tcp_wmem_bytes")) {
    const std::vector<double> w = link.array_of_numbers("tcp_wmem_bytes", NumberRule::Positive);
    if (w.size() != 3) throw InputError(link.path("tcp_wmem_bytes") + ": expected [min, default, max]");
    b.send_buffer_bytes = w[2];
  }
  JsonObject env = o.object("env");
  b.foreign_cpu_cores = env.number("foreign_cpu_cores", -1.0);
  o.raw("config");
  const nlohmann::json& members = o.raw("migrations");
  o.finish();
  if (!members.is_array() || members.empty()) {
    throw InputError(o.path("migrations") + ": expected a non-empty array of migration records");
  }
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::string mw = where + ": migrations[" + std::to_string(i) + "]";
    const nlohmann::json& m = members[i];
    // The single-migration record, without the keys only a batch member has.
    nlohmann::json single = m;
    if (single.is_object()) {
      for (const char* k : {"start_s", "planned_start_s", "end_s"}) single.erase(k);
    }
    b.migrations.push_back(measured_from_record(single, mw));
    if (b.migrations.back().failed) throw InputError(mw + ".outcome: 'failed' (batches record no failed migrations)");
    if (!m.contains("start_s") || !m["start_s"].is_number() || m["start_s"].get<double>() < 0) {
      throw InputError(mw + ".start_s: expected a number >= 0");
    }
    b.start_s.push_back(m["start_s"].get<double>());
  }
  return b;
}

std::vector<MeasuredBatch> read_batch_datasets(const std::vector<std::string>& paths) {
  std::vector<MeasuredBatch> out;
  for (const auto& p : paths) {
    const std::size_t before = out.size();
    for_each_jsonl_line(p, [&](const std::string& line, const std::string& where) {
      out.push_back(measured_batch_from_record(parse_json_text(line, where), where));
      return true;
    });
    if (out.size() == before) throw InputError(p + ": the dataset has no records");
  }
  return out;
}

bool is_batch_dataset(const std::string& path) {
  bool batch = false;
  for_each_jsonl_line(path, [&](const std::string& line, const std::string& where) {
    const nlohmann::json rec = parse_json_text(line, where);
    batch = is_batch_record(rec);
    return false;
  });
  return batch;
}

}  // namespace migsim::validation
