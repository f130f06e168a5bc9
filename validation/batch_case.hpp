#pragma once
// A batch matrix: sets of real migrations that run together over one shaped
// link (validation/README.md, "Batch matrix keys").
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "validation/shaped_link.hpp"
#include "validation/validation_case.hpp"

namespace migsim::validation {

struct BatchMember {
  ValidationCase vm;   // name "<batch>.m<i>"; split = the batch's
  std::string guest;   // the "guests" template it was made from ("" = defaults only)
  double start_s = 0;  // after the batch's start (the first migration's)
};

struct BatchCase {
  std::string name;
  std::string split = "test";
  std::string note;
  int repeats = 1;
  LinkShape link;
  std::vector<BatchMember> migrations;
  nlohmann::json to_json() const;
  double ram_mib_total() const;
};

// Limits of a batch (the harness runs 2 QEMUs per migration on this host).
inline constexpr int kMaxBatchMigrations = 12;
inline constexpr double kMinLinkMbit = 1.0;
inline constexpr double kMaxLinkMbit = 100000.0;

// {"description", "defaults": {case keys}, "guests": {"NAME": {case keys}},
//  "batches": [{"name", "split", "note", "repeats", "link_mbit", "delay_ms",
//               "migrations": [{"guest": "NAME", "count": K, "start_s": S, ...case keys}]}]}
// Strict: unknown keys, wrong types and impossible values are InputErrors naming
// the file, the batch and the field.
std::vector<BatchCase> read_batch_matrix_file(const std::string& path);
// The same for a document already read from `path` (which names it in messages).
std::vector<BatchCase> parse_batch_matrix(const nlohmann::json& doc, const std::string& path);
// Whether a matrix document is a batch matrix (has "batches").
bool is_batch_matrix(const nlohmann::json& doc);

}  // namespace migsim::validation
