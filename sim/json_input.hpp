#pragma once
#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace migsim {

enum class NumberRule { Any, NonNegative, Positive };

// Reads a JSON file; a missing file or malformed JSON raises InputError naming
// the file (and line:column for syntax errors).
nlohmann::json read_json_file(const std::string& path);
// Parses text that came from `origin` (a file name or "<stdin>").
nlohmann::json parse_json_text(const std::string& text, const std::string& origin);

// Strict reader for one JSON object: typed getters with range rules, and
// finish() rejects keys nobody asked for. Every error names the location
// ("file.json: hosts[2].ram_mib") and the offending value.
class JsonObject {
 public:
  JsonObject(const nlohmann::json& j, std::string where);

  bool has(const std::string& key) const;
  const std::string& where() const { return where_; }
  std::string path(const std::string& key) const;

  double number(const std::string& key, NumberRule rule = NumberRule::Any);
  double number(const std::string& key, double fallback, NumberRule rule = NumberRule::Any);
  std::int64_t integer(const std::string& key, NumberRule rule = NumberRule::Any);
  std::int64_t integer(const std::string& key, std::int64_t fallback,
                       NumberRule rule = NumberRule::Any);
  bool boolean(const std::string& key);
  bool boolean(const std::string& key, bool fallback);
  std::string string(const std::string& key);
  std::string string(const std::string& key, const std::string& fallback);
  std::string choice(const std::string& key, std::initializer_list<const char*> allowed);
  std::string choice(const std::string& key, std::initializer_list<const char*> allowed,
                     const std::string& fallback);
  // The same for a list built at run time (e.g. the names of a registry).
  std::string choice(const std::string& key, const std::vector<std::string>& allowed);
  std::string choice(const std::string& key, const std::vector<std::string>& allowed,
                     const std::string& fallback);
  // Raw access (marks the key as used); the caller validates the value.
  const nlohmann::json& raw(const std::string& key);
  JsonObject object(const std::string& key);
  std::vector<JsonObject> array_of_objects(const std::string& key);
  std::vector<double> array_of_numbers(const std::string& key, NumberRule rule = NumberRule::Any);

  // Throws InputError for the first key that was never read.
  void finish() const;

 private:
  const nlohmann::json& at(const std::string& key);
  // For the getters with a fallback: marks the key as known, true when it is not there.
  bool absent(const std::string& key);
  [[noreturn]] void type_error(const std::string& key, const char* expected) const;
  double check_rule(const std::string& key, double v, NumberRule rule) const;

  const nlohmann::json& j_;
  std::string where_;
  std::set<std::string> used_;
};

// Compact rendering of a JSON value for error messages (truncated).
std::string json_snippet(const nlohmann::json& v);
// A number as error messages show it: ostream's default form ("512", "0.25", "1e+06").
std::string number_text(double v);

}  // namespace migsim
