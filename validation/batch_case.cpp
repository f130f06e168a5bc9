#include "validation/batch_case.hpp"

#include <map>
#include <set>

#include "sim/input_error.hpp"
#include "sim/json_input.hpp"

namespace migsim::validation {

nlohmann::json BatchCase::to_json() const {
  nlohmann::json ms = nlohmann::json::array();
  for (const auto& m : migrations) {
    nlohmann::json j = m.vm.to_json();
    j["start_s"] = m.start_s;
    if (!m.guest.empty()) j["guest"] = m.guest;
    ms.push_back(std::move(j));
  }
  nlohmann::json j{{"name", name},       {"split", split},           {"repeats", repeats},
                   {"link_mbit", link.rate_mbit}, {"delay_ms", link.delay_ms}, {"migrations", ms}};
  if (!note.empty()) j["note"] = note;
  return j;
}

double BatchCase::ram_mib_total() const {
  double s = 0;
  for (const auto& m : migrations) s += m.vm.ram_mib;
  return s;
}

bool is_batch_matrix(const nlohmann::json& doc) { return doc.is_object() && doc.contains("batches"); }

std::vector<BatchCase> read_batch_matrix_file(const std::string& path) {
  return parse_batch_matrix(read_json_file(path), path);
}

std::vector<BatchCase> parse_batch_matrix(const nlohmann::json& doc, const std::string& path) {
  using R = NumberRule;
  JsonObject top(doc, path);
  top.string("description", "");
  ValidationCase defaults;
  defaults.calc_dirty_rate_s = 0;  // a batch starts its migrations at once
  if (top.has("defaults")) {
    JsonObject d = top.object("defaults");
    defaults = case_from_json(d, defaults, false);
  }
  std::map<std::string, ValidationCase> guests;
  if (top.has("guests")) {
    const nlohmann::json& g = top.raw("guests");
    if (!g.is_object()) throw InputError(top.path("guests") + ": expected an object of guest templates");
    for (const auto& [name, v] : g.items()) {
      JsonObject o(v, path + ": guests." + name);
      guests[name] = case_from_json(o, defaults, false);
    }
  }
  auto batches = top.array_of_objects("batches");
  top.finish();
  if (batches.empty()) throw InputError(path + ": batches: the matrix has no batches");
  std::vector<BatchCase> out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < batches.size(); ++i) {
    JsonObject& bo = batches[i];
    BatchCase b;
    b.name = bo.string("name");
    const std::string where = path + ": batches[" + std::to_string(i) + "] '" + b.name + "'";
    b.split = bo.choice("split", {"train", "test"}, "test");
    b.note = bo.string("note", "");
    b.repeats = static_cast<int>(bo.integer("repeats", 1, R::Positive));
    b.link.rate_mbit = bo.number("link_mbit", R::Positive);
    b.link.delay_ms = bo.number("delay_ms", 0.0, R::NonNegative);
    auto members = bo.array_of_objects("migrations");
    bo.finish();
    if (b.repeats > 50) throw InputError(where + ".repeats: at most 50, got " + std::to_string(b.repeats));
    if (b.link.rate_mbit < kMinLinkMbit || b.link.rate_mbit > kMaxLinkMbit) {
      throw InputError(where + ".link_mbit: " + number_text(b.link.rate_mbit) + " is outside " +
                       number_text(kMinLinkMbit) + ".." + number_text(kMaxLinkMbit) + " Mbit/s");
    }
    if (b.link.delay_ms > 1000) {
      throw InputError(where + ".delay_ms: at most 1000 ms, got " + number_text(b.link.delay_ms));
    }
    if (members.empty()) throw InputError(where + ".migrations: the batch has no migrations");
    for (std::size_t k = 0; k < members.size(); ++k) {
      JsonObject& mo = members[k];
      const std::string mwhere = where + ".migrations[" + std::to_string(k) + "]";
      const std::string guest = mo.string("guest", "");
      const auto count = mo.integer("count", 1, R::Positive);
      const double start_s = mo.number("start_s", 0.0, R::NonNegative);
      if (mo.has("repeats")) throw InputError(mo.path("repeats") + ": repeats belong to the batch");
      const ValidationCase* base = &defaults;
      if (!guest.empty()) {
        const auto it = guests.find(guest);
        if (it == guests.end()) throw InputError(mo.path("guest") + ": no guest template '" + guest + "'");
        base = &it->second;
      }
      ValidationCase vm = case_from_json(mo, *base, false);
      if (start_s > 3600) throw InputError(mo.path("start_s") + ": at most 3600 s, got " + number_text(start_s));
      if (count > kMaxBatchMigrations) {
        throw InputError(mo.path("count") + ": at most " + std::to_string(kMaxBatchMigrations) + ", got " +
                         std::to_string(count));
      }
      for (std::int64_t c = 0; c < count; ++c) {
        BatchMember m;
        m.vm = vm;
        m.vm.name = b.name + ".m" + std::to_string(b.migrations.size() + 1);
        m.vm.split = b.split;
        m.vm.repeats = 1;
        m.vm.seed = vm.seed + static_cast<int>(b.migrations.size());
        m.guest = guest;
        m.start_s = start_s;
        check_case(m.vm, mwhere);
        b.migrations.push_back(std::move(m));
        if (b.migrations.size() > static_cast<std::size_t>(kMaxBatchMigrations)) {
          throw InputError(where + ".migrations: more than " + std::to_string(kMaxBatchMigrations) +
                           " migrations in one batch");
        }
      }
    }
    if (!names.insert(b.name).second) throw InputError(where + ".name: duplicate batch name '" + b.name + "'");
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace migsim::validation
