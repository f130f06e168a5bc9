// A profile file as the parameters the reports predict with: the host profile and
// the guest calibration it was fitted with, read strictly.
#include <gtest/gtest.h>

#include <string>

#include "sim/input_error.hpp"
#include "tests/support/temp_file.hpp"
#include "validation/host_tuning.hpp"

namespace migsim::validation {
namespace {

TEST(ProfileFile, CarriesTheGuestCalibrationItWasFittedWith) {
  TunedParameters t = default_parameters();
  t.host.first_pass_mibps = 333;
  t.guest.os_nonzero_mib = 70.5;
  t.guest.os_nonzero_mib_per_gib = 12.25;
  const std::string path =
      migsim::testing::write_temp("fitted.json", profile_document(t, "a dataset").dump());
  const TunedParameters r = read_tuned_parameters(path);
  EXPECT_EQ(r.host.first_pass_mibps, 333);
  EXPECT_EQ(r.guest.os_nonzero_mib, 70.5);
  EXPECT_EQ(r.guest.os_nonzero_mib_per_gib, 12.25);
}

TEST(ProfileFile, ABareProfileKeepsTheDefaultGuest) {
  const std::string path = migsim::testing::write_temp("bare.json", R"({"first_pass_mibps": 300})");
  const TunedParameters r = read_tuned_parameters(path);
  EXPECT_EQ(r.host.first_pass_mibps, 300);
  EXPECT_EQ(r.guest.os_nonzero_mib, default_parameters().guest.os_nonzero_mib);
}

TEST(ProfileFile, ABadGuestCalibrationNamesFileAndField) {
  nlohmann::json doc = profile_document(default_parameters(), "x");
  doc["report"]["guest_calibration"]["os_nonzero_mib"] = -3;
  const std::string path = migsim::testing::write_temp("bad-guest.json", doc.dump());
  try {
    read_tuned_parameters(path);
    FAIL() << "accepted a negative os_nonzero_mib";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad-guest.json: report.guest_calibration.os_nonzero_mib"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace migsim::validation
