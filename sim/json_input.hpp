#pragma once
#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/input_bounds.hpp"

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

  bool has(std::string_view key) const;
  const std::string& where() const { return where_; }
  std::string path(std::string_view key) const;

  double number(std::string_view key, NumberRule rule = NumberRule::Any);
  double number(std::string_view key, double fallback, NumberRule rule = NumberRule::Any);
  std::int64_t integer(std::string_view key, NumberRule rule = NumberRule::Any);
  std::int64_t integer(std::string_view key, std::int64_t fallback,
                       NumberRule rule = NumberRule::Any);
  // The same within a range of sim/input_bounds.hpp (an integer is checked
  // before it is converted, so a count beyond int never wraps).
  double number(std::string_view key, const Bound& b);
  double number(std::string_view key, double fallback, const Bound& b);
  std::int64_t integer(std::string_view key, const Bound& b);
  std::int64_t integer(std::string_view key, std::int64_t fallback, const Bound& b);
  bool boolean(std::string_view key);
  bool boolean(std::string_view key, bool fallback);
  std::string string(std::string_view key);
  std::string string(std::string_view key, const std::string& fallback);
  std::string choice(std::string_view key, std::initializer_list<const char*> allowed);
  std::string choice(std::string_view key, std::initializer_list<const char*> allowed,
                     const std::string& fallback);
  // The same for a list built at run time (e.g. the names of a registry).
  std::string choice(std::string_view key, const std::vector<std::string>& allowed);
  std::string choice(std::string_view key, const std::vector<std::string>& allowed,
                     const std::string& fallback);
  // Raw access (marks the key as used); the caller validates the value.
  const nlohmann::json& raw(std::string_view key);
  JsonObject object(std::string_view key);
  std::vector<JsonObject> array_of_objects(std::string_view key);
  std::vector<double> array_of_numbers(std::string_view key, NumberRule rule = NumberRule::Any);
  std::vector<double> array_of_numbers(std::string_view key, const Bound& b);

  // Throws InputError for the first key that was never read.
  void finish() const;

 private:
  const nlohmann::json& at(std::string_view key);
  // For the getters with a fallback: the key's value, or nullptr when it is not
  // there (the key is then known all the same, for unknown-key messages).
  const nlohmann::json* optional(std::string_view key);
  [[noreturn]] void type_error(std::string_view key, const char* expected) const;
  double check_rule(std::string_view key, double v, NumberRule rule) const;
  // An integer-valued JSON number as int64, or InputError (a float, or beyond int64).
  std::int64_t integer_value(std::string_view key, const nlohmann::json& v) const;

  const nlohmann::json& j_;
  std::string where_;
  // The keys asked for (read, or looked for and absent), without a node or a
  // string allocated per key: the keys of j_ that were read, by address, and the
  // names of the absent ones in one buffer, '\0'-separated.
  std::vector<const std::string*> read_;
  std::string absent_;
};

// Compact rendering of a JSON value for error messages (truncated).
std::string json_snippet(const nlohmann::json& v);
// A number as error messages show it: ostream's default form ("512", "0.25", "1e+06").
std::string number_text(double v);

}  // namespace migsim
