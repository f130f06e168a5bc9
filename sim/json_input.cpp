#include "sim/json_input.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>

#include "sim/input_error.hpp"
#include "sim/input_file.hpp"
#include "sim/name_list.hpp"

namespace migsim {

namespace {
const char* rule_text(NumberRule r) {
  switch (r) {
    case NumberRule::NonNegative: return ">= 0";
    case NumberRule::Positive: return "> 0";
    default: return "a number";
  }
}
}  // namespace

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string json_snippet(const nlohmann::json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

nlohmann::json parse_json_text(const std::string& text, const std::string& origin) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // Translate the byte offset into line:column for humans.
    std::size_t line = 1, col = 1;
    const std::size_t upto = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    for (std::size_t i = 0; i < upto; ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string msg = e.what();
    const auto pos = msg.find("syntax error");
    if (pos != std::string::npos) msg = msg.substr(pos);
    throw InputError(origin + ":" + std::to_string(line) + ":" + std::to_string(col) +
                     ": malformed JSON: " + msg);
  } catch (const nlohmann::json::exception& e) {
    // A number beyond a double ("1e999": out_of_range.406 "number overflow parsing '1e999'").
    std::string msg = e.what();
    const auto pos = msg.find("] ");
    if (pos != std::string::npos) msg = msg.substr(pos + 2);
    throw InputError(origin + ": malformed JSON: " + msg);
  }
}

nlohmann::json read_json_file(const std::string& path) {
  return parse_json_text(read_input_file(path), path);
}

JsonObject::JsonObject(const nlohmann::json& j, std::string where)
    : j_(j), where_(std::move(where)) {
  if (!j_.is_object()) {
    throw InputError(where_ + ": expected a JSON object, got " + json_snippet(j_));
  }
}

bool JsonObject::has(std::string_view key) const { return j_.find(key) != j_.end(); }

std::string JsonObject::path(std::string_view key) const {
  if (where_.empty()) return std::string(key);
  // "file.json: a.b" + key -> "file.json: a.b.key"; "file.json" + key -> "file.json: key"
  std::string p = where_;
  p += where_.find(": ") == std::string::npos ? ": " : ".";
  p += key;
  return p;
}

const nlohmann::json& JsonObject::at(std::string_view key) {
  auto it = j_.find(key);
  if (it == j_.end()) throw InputError(path(key) + ": required field is missing");
  const std::string* k = &it.key();
  if (std::find(read_.begin(), read_.end(), k) == read_.end()) {
    if (read_.empty()) read_.reserve(32);
    read_.push_back(k);
  }
  return *it;
}

const nlohmann::json* JsonObject::optional(std::string_view key) {
  const auto it = j_.find(key);
  if (it != j_.end()) {
    const std::string* k = &it.key();
    if (std::find(read_.begin(), read_.end(), k) == read_.end()) {
      if (read_.empty()) read_.reserve(32);
      read_.push_back(k);
    }
    return &*it;
  }
  // An optional key is known here even when left out, for unknown-key messages.
  if (absent_.empty()) absent_.reserve(512);
  absent_.append(key);
  absent_.push_back('\0');
  return nullptr;
}

void JsonObject::type_error(std::string_view key, const char* expected) const {
  throw InputError(path(key) + ": expected " + expected + ", got " + json_snippet(*j_.find(key)));
}

double JsonObject::check_rule(std::string_view key, double v, NumberRule rule) const {
  const bool ok = std::isfinite(v) && (rule == NumberRule::Any ||
                                       (rule == NumberRule::NonNegative && v >= 0) ||
                                       (rule == NumberRule::Positive && v > 0));
  if (!ok) {
    std::ostringstream s;
    s << path(key) << ": must be " << rule_text(rule) << ", got " << json_snippet(*j_.find(key));
    throw InputError(s.str());
  }
  return v;
}

double JsonObject::number(std::string_view key, NumberRule rule) {
  const auto& v = at(key);
  if (!v.is_number()) type_error(key, "a number");
  return check_rule(key, v.get<double>(), rule);
}

double JsonObject::number(std::string_view key, double fallback, NumberRule rule) {
  const nlohmann::json* v = optional(key);
  if (!v) return fallback;
  if (!v->is_number()) type_error(key, "a number");
  return check_rule(key, v->get<double>(), rule);
}

std::int64_t JsonObject::integer_value(std::string_view key, const nlohmann::json& v) const {
  if (!v.is_number_integer()) type_error(key, "an integer");
  if (v.is_number_unsigned() &&
      v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    throw InputError(path(key) + ": integer out of range, got " + json_snippet(v));
  }
  return v.get<std::int64_t>();
}

std::int64_t JsonObject::integer(std::string_view key, NumberRule rule) {
  const std::int64_t i = integer_value(key, at(key));
  check_rule(key, static_cast<double>(i), rule);
  return i;
}

double JsonObject::number(std::string_view key, const Bound& b) {
  const auto& v = at(key);
  if (!v.is_number()) type_error(key, "a number");
  return check_bound(path(key), v.get<double>(), b, json_snippet(v));
}

double JsonObject::number(std::string_view key, double fallback, const Bound& b) {
  return optional(key) ? number(key, b) : fallback;
}

std::int64_t JsonObject::integer(std::string_view key, const Bound& b) {
  const auto& v = at(key);
  const std::int64_t i = integer_value(key, v);
  check_bound(path(key), static_cast<double>(i), b, json_snippet(v));
  return i;
}

std::int64_t JsonObject::integer(std::string_view key, std::int64_t fallback, const Bound& b) {
  return optional(key) ? integer(key, b) : fallback;
}

std::int64_t JsonObject::integer(std::string_view key, std::int64_t fallback, NumberRule rule) {
  return optional(key) ? integer(key, rule) : fallback;
}

bool JsonObject::boolean(std::string_view key) {
  const auto& v = at(key);
  if (!v.is_boolean()) type_error(key, "true or false");
  return v.get<bool>();
}

bool JsonObject::boolean(std::string_view key, bool fallback) {
  const nlohmann::json* v = optional(key);
  if (!v) return fallback;
  if (!v->is_boolean()) type_error(key, "true or false");
  return v->get<bool>();
}

std::string JsonObject::string(std::string_view key) {
  const auto& v = at(key);
  if (!v.is_string()) type_error(key, "a string");
  return v.get<std::string>();
}

std::string JsonObject::string(std::string_view key, const std::string& fallback) {
  const nlohmann::json* v = optional(key);
  if (!v) return fallback;
  if (!v->is_string()) type_error(key, "a string");
  return v->get<std::string>();
}

std::string JsonObject::choice(std::string_view key, std::initializer_list<const char*> allowed) {
  return choice(key, std::vector<std::string>(allowed.begin(), allowed.end()));
}

std::string JsonObject::choice(std::string_view key, const std::vector<std::string>& allowed) {
  const std::string v = string(key);
  for (const auto& a : allowed) {
    if (v == a) return v;
  }
  throw InputError(path(key) + ": unknown value \"" + v + "\" (expected one of: " + join_names(allowed) + ")");
}

std::string JsonObject::choice(std::string_view key, const std::vector<std::string>& allowed,
                               const std::string& fallback) {
  return optional(key) ? choice(key, allowed) : fallback;
}

std::string JsonObject::choice(std::string_view key, std::initializer_list<const char*> allowed,
                               const std::string& fallback) {
  return optional(key) ? choice(key, allowed) : fallback;
}

const nlohmann::json& JsonObject::raw(std::string_view key) { return at(key); }

JsonObject JsonObject::object(std::string_view key) {
  const auto& v = at(key);
  if (!v.is_object()) type_error(key, "an object");
  return JsonObject(v, path(key));
}

std::vector<JsonObject> JsonObject::array_of_objects(std::string_view key) {
  const auto& v = at(key);
  if (!v.is_array()) type_error(key, "an array");
  std::vector<JsonObject> out;
  out.reserve(v.size());
  const std::string base = path(key);
  for (std::size_t i = 0; i < v.size(); ++i) {
    out.emplace_back(v[i], base + "[" + std::to_string(i) + "]");
  }
  return out;
}

std::vector<double> JsonObject::array_of_numbers(std::string_view key, NumberRule rule) {
  const auto& v = at(key);
  if (!v.is_array()) type_error(key, "an array of numbers");
  std::vector<double> out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string item = std::string(key) + "[" + std::to_string(i) + "]";
    if (!v[i].is_number()) {
      throw InputError(path(item) + ": expected a number, got " + json_snippet(v[i]));
    }
    const double x = v[i].get<double>();
    const bool ok = std::isfinite(x) && (rule == NumberRule::Any ||
                                         (rule == NumberRule::NonNegative && x >= 0) ||
                                         (rule == NumberRule::Positive && x > 0));
    if (!ok) {
      throw InputError(path(item) + ": must be " + rule_text(rule) + ", got " + json_snippet(v[i]));
    }
    out.push_back(x);
  }
  return out;
}

std::vector<double> JsonObject::array_of_numbers(std::string_view key, const Bound& b) {
  std::vector<double> out = array_of_numbers(key, NumberRule::Any);
  const auto& v = *j_.find(key);
  for (std::size_t i = 0; i < out.size(); ++i) {
    check_bound(path(std::string(key) + "[" + std::to_string(i) + "]"), out[i], b, json_snippet(v[i]));
  }
  return out;
}

void JsonObject::finish() const {
  for (auto it = j_.begin(); it != j_.end(); ++it) {
    if (std::find(read_.begin(), read_.end(), &it.key()) != read_.end()) continue;
    // Every key asked for, sorted and once each.
    std::set<std::string> asked;
    for (const std::string* k : read_) asked.insert(*k);
    for (std::size_t b = 0, e; b < absent_.size(); b = e + 1) {
      e = absent_.find('\0', b);
      asked.insert(absent_.substr(b, e - b));
    }
    std::string known;
    for (const auto& k : asked) known += (known.empty() ? "" : ", ") + k;
    throw InputError(path(it.key()) + ": unknown key" +
                     (known.empty() ? std::string() : " (known here: " + known + ")"));
  }
}

}  // namespace migsim
