#pragma once
// `migsim validate report DATASET... --json` as one document, for callers that want
// the numbers rather than the text (the Python module's validate_report): the
// --json document of the dataset's kind (single migrations, batches or web runs)
// with, for single-migration and batch datasets, the --cases-json document under
// "case_detail" (the --json "cases" is the count of reported cases). Same readers,
// same checks, same errors (InputError) as the command.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace migsim::validation {

struct ReportRequest {
  std::vector<std::string> datasets;  // at least one; the first one's kind decides
  std::vector<std::string> train_on;  // as --train-on
  bool no_tune = false;               // as --no-tune (single-migration datasets only)
  std::string profile;                // as --profile (batch and web datasets)
  std::string windows_csv;            // as --windows: written here (web datasets only)
};

// The flags a dataset kind does not take (the command refuses them with these words).
inline constexpr const char* kProfileForSingle =
    "--profile: single-migration datasets tune the host profile on their split=train cases "
    "(or --train-on); --profile is for batch and web datasets";
inline constexpr const char* kTrainOnForWeb =
    "--train-on: a web report takes its host profile from --profile";
inline constexpr const char* kWindowsForWeb = "--windows: only web datasets have windows";
inline constexpr const char* kCasesForWeb =
    "--cases-json/--plot: a web dataset's per-window table is --windows";

nlohmann::json report_document(const ReportRequest& request);

}  // namespace migsim::validation
