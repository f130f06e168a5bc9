#include "validation/web_case.hpp"

#include <cmath>
#include <set>
#include <sstream>

#include "sim/input_error.hpp"

namespace migsim::validation {

namespace {

WebWork work_from_json(JsonObject& o, const WebWork& b) {
  WebWork w = b;
  w.cpu_ms = o.number("cpu_ms", b.cpu_ms, web_bounds::kCpuMs);
  w.write_kib = o.number("write_kib", b.write_kib, web_bounds::kWriteKib);
  w.buf_mib = o.number("buf_mib", b.buf_mib, web_bounds::kBufMib);
  o.finish();
  return w;
}

WebCase web_case_from_json(JsonObject& o, const WebCase& b, bool need_name) {
  WebCase c = b;
  if (need_name) {
    c.name = o.string("name");
  } else if (o.has("name")) {
    throw InputError(o.path("name") + ": a default cannot carry a run name");
  }
  c.split = o.choice("split", {"train", "report"}, b.split);
  c.note = o.string("note", b.note);
  c.arrival_rps = o.number("arrival_rps", b.arrival_rps, web_bounds::kArrivalRps);
  c.arrivals = o.choice("arrivals", {"fixed", "poisson"}, b.arrivals);
  c.load_seed = static_cast<int>(o.integer("load_seed", b.load_seed, bounds::kNonNegativeInt));
  c.duration_s = o.number("duration_s", b.duration_s, web_bounds::kDurationS);
  c.warmup_s = o.number("warmup_s", b.warmup_s, web_bounds::kWarmupS);
  if (o.has("migration_at_s")) {
    if (o.raw("migration_at_s").is_null()) {
      c.migration_at_s.reset();
    } else {
      c.migration_at_s = o.number("migration_at_s", web_bounds::kMigrationAtS);
    }
  }
  c.slo_ms = o.number("slo_ms", b.slo_ms, web_bounds::kSloMs);
  c.timeout_ms = o.number("timeout_ms", b.timeout_ms, web_bounds::kTimeoutMs);
  if (o.has("work")) {
    JsonObject w = o.object("work");
    c.work = work_from_json(w, b.work);
  }
  if (o.has("guest")) {
    JsonObject g = o.object("guest");
    c.guest = case_from_json(g, b.guest, false);
  }
  o.finish();
  return c;
}

void check_web_case(WebCase& c, const std::string& where) {
  auto bad = [&](const std::string& field, const std::string& why) {
    throw InputError(where + "." + field + ": " + why);
  };
  c.guest.name = c.name;
  c.guest.split = c.split == "train" ? "train" : "test";
  check_case(c.guest, where + ".guest");
  if (c.guest.repeats != 1) bad("guest.repeats", "a web run is recorded once, got " + std::to_string(c.guest.repeats));
  if (c.migration_at_s && !(*c.migration_at_s < c.duration_s)) {
    bad("migration_at_s", number_text(*c.migration_at_s) + " s is not before the end of the load (duration_s " +
                              number_text(c.duration_s) + ")");
  }
  if (static_cast<double>(c.requests()) > web_bounds::kMaxRequests) {
    bad("arrival_rps", number_text(c.arrival_rps) + " requests/s for " + number_text(c.duration_s) + " s is " +
                           std::to_string(c.requests()) + " requests, more than " +
                           number_text(web_bounds::kMaxRequests));
  }
  if (c.timeout_ms < c.slo_ms) {
    bad("timeout_ms", number_text(c.timeout_ms) + " ms is shorter than slo_ms " + number_text(c.slo_ms));
  }
  if (c.work.buf_mib + c.guest.fill_mib + kGuestOsReserveMib > c.guest.ram_mib) {
    bad("work.buf_mib", number_text(c.work.buf_mib) + " MiB of write buffer and guest.fill_mib " +
                            number_text(c.guest.fill_mib) + " leave the guest OS less than " +
                            number_text(kGuestOsReserveMib) + " MiB of its " + number_text(c.guest.ram_mib) +
                            " MiB RAM");
  }
  if (c.scenario() == "none" && c.guest.auto_converge) {
    bad("guest.auto_converge", "true without migration_at_s (a run without a migration)");
  }
}

std::string num(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

}  // namespace

std::string WebCase::scenario() const {
  if (!migration_at_s) return "none";
  return guest.auto_converge ? "auto-converge" : "migrate";
}

std::size_t WebCase::requests() const {
  return static_cast<std::size_t>(std::ceil(arrival_rps * duration_s - 1e-9));
}

std::string WebCase::request_path() const {
  return "/work?cpu_ms=" + num(work.cpu_ms) + "&write_kib=" + num(work.write_kib);
}

std::string WebCase::kernel_cmdline() const {
  return "migweb.port=80 migweb.cpu_ms=" + num(work.cpu_ms) + " migweb.write_kib=" + num(work.write_kib) +
         " migweb.buf_mib=" + num(work.buf_mib);
}

nlohmann::json WebCase::work_json() const {
  return {{"cpu_ms", work.cpu_ms}, {"write_kib", work.write_kib}, {"buf_mib", work.buf_mib},
          {"path", request_path()}};
}

nlohmann::json WebCase::to_json() const {
  nlohmann::json j{{"name", name},         {"split", split},
                   {"arrival_rps", arrival_rps}, {"arrivals", arrivals},
                   {"load_seed", load_seed}, {"duration_s", duration_s},
                   {"warmup_s", warmup_s},   {"slo_ms", slo_ms},
                   {"timeout_ms", timeout_ms}, {"work", work_json()},
                   {"guest", guest.to_json()}};
  j["migration_at_s"] = migration_at_s ? nlohmann::json(*migration_at_s) : nlohmann::json(nullptr);
  if (!note.empty()) j["note"] = note;
  return j;
}

bool is_web_matrix(const nlohmann::json& doc) { return doc.is_object() && doc.contains("runs"); }

std::vector<WebCase> read_web_matrix_file(const std::string& path) {
  return parse_web_matrix(read_json_file(path), path);
}

std::vector<WebCase> parse_web_matrix(const nlohmann::json& doc, const std::string& path) {
  JsonObject top(doc, path);
  WebCase defaults;
  if (top.has("defaults")) {
    JsonObject d = top.object("defaults");
    defaults = web_case_from_json(d, WebCase{}, false);
  }
  top.string("description", "");
  auto runs = top.array_of_objects("runs");
  top.finish();
  if (runs.empty()) throw InputError(path + ": runs: the matrix has no runs");
  std::vector<WebCase> out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    WebCase c = web_case_from_json(runs[i], defaults, true);
    const std::string where = path + ": runs[" + std::to_string(i) + "] '" + c.name + "'";
    check_web_case(c, where);
    if (!names.insert(c.name).second) throw InputError(where + ".name: duplicate run name '" + c.name + "'");
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace migsim::validation
