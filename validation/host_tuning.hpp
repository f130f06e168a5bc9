#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/precopy_types.hpp"
#include "validation/validation_case.hpp"
#include "validation/validation_dataset.hpp"

namespace migsim::validation {

// Parameters tuned on the training split of a dataset, and what they were fitted on.
struct TunedParameters {
  models::HostProfile host;
  GuestCalibration guest;
  int training_cases = 0;
  double training_loss = 0;
  std::vector<std::string> notes;  // how each group of parameters was fitted
};

// The starting point: a generic host with this guest's rough OS footprint.
TunedParameters default_parameters();

// Fits, on the records with split == "train" only:
//  1. guest OS non-zero memory = a + b x RAM (linear least squares, Eigen) on
//     idle training runs' ram.normal minus the configured fill;
//  2. setup-time = setup_ms + setup_ms_per_gib x RAM (linear least squares);
//  3. first-pass and later-pass copy ceilings, zero-page cost and the guest's
//     background dirtying by Nelder-Mead on the model's absolute log errors of
//     total time and bytes (L1, like the reported MAPE) and convergence mismatches;
//     link speed (stop-and-copy), sync cost and downtime overhead on the absolute
//     downtime log errors (the send buffer is Linux's 4 MiB, not fitted); from 5
//     starting points, the best kept.
// Deterministic (fixed starts, fixed iteration budget). With no training
// records it returns default_parameters() with a note saying so.
TunedParameters tune_on_training_split(const std::vector<MeasuredMigration>& data);

// A profile file (`validate tune`, `calibrate`, or a bare host profile) as the
// parameters to predict with: its host profile, read strictly as `predict --profile`
// does, and the guest calibration it was fitted with when its `report` carries one
// (`report.guest_calibration`; otherwise default_parameters()'). One read of the file.
TunedParameters read_tuned_parameters(const std::string& path);

nlohmann::json to_json(const TunedParameters& t);
// The host-profile file `migsim predict --profile` reads ("migsim-host-profile/1"):
// the profile, how it was fitted, and on what (`fitted_on`).
nlohmann::json profile_document(const TunedParameters& t, const std::string& fitted_on);

}  // namespace migsim::validation
