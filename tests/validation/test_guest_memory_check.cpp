// The guest's memory check after a migration (issue 13): its console line parsed, a record
// with an unverified or corrupted guest turned into a failed migration, and how datasets
// read failed migrations and the new keys.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "sim/input_error.hpp"
#include "traces/atomic_file.hpp"
#include "validation/guest_memory_check.hpp"
#include "validation/validation_dataset.hpp"

namespace migsim::validation {
namespace {

TEST(GuestMemoryCheck, ParsesTheGuestsVerifyLine) {
  const auto j = parse_verify_line("MIGSIM-VERIFY pages=16384 bad=0 stale=0 first_bad=-1 writes=39999 ms=160");
  EXPECT_TRUE(j["verified"].get<bool>());
  EXPECT_EQ(j["pages"], 16384);
  EXPECT_EQ(j["bad"], 0);
  EXPECT_EQ(j["first_bad"], -1);
  EXPECT_EQ(j["writes"], 39999);
  EXPECT_DOUBLE_EQ(j["verify_ms"].get<double>(), 160.0);
  const auto b = parse_verify_line("MIGSIM-VERIFY pages=16384 bad=3 stale=2 first_bad=8192 writes=1 ms=93");
  EXPECT_FALSE(b["verified"].get<bool>());
  EXPECT_EQ(b["stale"], 2);
  EXPECT_THROW(parse_verify_line("MIGSIM-VERIFY pages=16384 bad=-1 error=no-memory"), InputError);
  EXPECT_THROW(parse_verify_line("MIGSIM-HB t=3 writes=5 rate=1 load=0"), InputError);
}

TEST(GuestMemoryCheck, OnlyAVerifiedGuestKeepsTheOutcome) {
  nlohmann::json ok{{"outcome", "completed"}, {"guest_memory", {{"verified", true}, {"bad", 0}}}};
  EXPECT_FALSE(fail_unless_memory_verified(ok));
  EXPECT_EQ(ok["outcome"], "completed");
  EXPECT_FALSE(ok.contains("failure_reason"));

  nlohmann::json bad{{"outcome", "completed"}, {"guest_memory", {{"verified", false}, {"bad", 1}}}};
  EXPECT_TRUE(fail_unless_memory_verified(bad));
  EXPECT_EQ(bad["outcome"], "failed");
  EXPECT_EQ(bad["failure_reason"], "guest memory corrupted");

  nlohmann::json silent{{"outcome", "not-converged"},
                        {"guest_memory", {{"verified", false}, {"error", "no MIGSIM-VERIFY within 10 s"}}}};
  EXPECT_TRUE(fail_unless_memory_verified(silent));
  EXPECT_EQ(silent["outcome"], "failed");
  EXPECT_EQ(silent["failure_reason"], "guest memory not verified: no MIGSIM-VERIFY within 10 s");
}

TEST(GuestMemoryCheck, AGuestThatCrashedAfterTheMigrationIsAFailedOneWhateverItsCheckSays) {
  // Seen in CI: a TCG guest panicked on the destination and rebooted; the rebooted dirtier's
  // check of its fresh fill says bad=0.
  nlohmann::json crashed{{"outcome", "completed"},
                         {"guest_alive_after", {{"alive", false}, {"corruption_signs", {"Kernel panic", "MIGSIM-BOOT"}}}},
                         {"guest_memory", {{"verified", true}, {"bad", 0}}}};
  EXPECT_TRUE(fail_unless_memory_verified(crashed));
  EXPECT_EQ(crashed["outcome"], "failed");
  EXPECT_EQ(crashed["failure_reason"], "guest crashed after the migration (Kernel panic, MIGSIM-BOOT)");

  nlohmann::json healthy{{"outcome", "completed"},
                         {"guest_alive_after", {{"alive", true}, {"corruption_signs", nlohmann::json::array()}}},
                         {"guest_memory", {{"verified", true}, {"bad", 0}}}};
  EXPECT_FALSE(fail_unless_memory_verified(healthy));
  EXPECT_EQ(healthy["outcome"], "completed");
}

std::string first_committed_record() {
  const std::string text =
      traces::read_file(std::string(MIGSIM_SOURCE_DIR) + "/validation/data/tcg-loopback-quiet1.jsonl");
  return text.substr(0, text.find('\n'));
}

TEST(GuestMemoryCheck, DatasetsLeaveFailedMigrationsOut) {
  const nlohmann::json good = nlohmann::json::parse(first_committed_record());
  nlohmann::json verified = good;
  verified["guest_memory"] = {{"verified", true}, {"where", "dst"}, {"pages", 16384}, {"bad", 0}};
  nlohmann::json failed = good;
  failed["outcome"] = "failed";
  failed["failure_reason"] = "guest memory corrupted";
  failed["guest_memory"] = {{"verified", false}, {"where", "dst"}, {"pages", 16384}, {"bad", 1}};
  const auto list = parse_dataset(good.dump() + "\n" + failed.dump() + "\n" + verified.dump() + "\n", "d.jsonl");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].where, "d.jsonl:1");
  EXPECT_EQ(list[1].where, "d.jsonl:3");
  const auto m = measured_from_record(failed, "d.jsonl:2");
  EXPECT_TRUE(m.failed);
  EXPECT_EQ(m.failure_reason, "guest memory corrupted");
  EXPECT_FALSE(m.converged);
}

std::string error_of(const nlohmann::json& rec) {
  try {
    measured_from_record(rec, "d.jsonl:1");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(GuestMemoryCheck, BadFailureFieldsAreRefusedNamingTheField) {
  const nlohmann::json good = nlohmann::json::parse(first_committed_record());
  nlohmann::json no_reason = good;
  no_reason["outcome"] = "failed";
  EXPECT_EQ(error_of(no_reason), "d.jsonl:1: record lacks 'failure_reason'");
  nlohmann::json empty_reason = no_reason;
  empty_reason["failure_reason"] = "";
  EXPECT_EQ(error_of(empty_reason), "d.jsonl:1: failure_reason: empty for a failed migration");
  nlohmann::json reason_on_completed = good;
  reason_on_completed["failure_reason"] = "x";
  EXPECT_EQ(error_of(reason_on_completed),
            "d.jsonl:1: failure_reason: only a failed migration has one (outcome 'completed')");
  nlohmann::json not_object = good;
  not_object["guest_memory"] = true;
  EXPECT_EQ(error_of(not_object), "d.jsonl:1: guest_memory: expected an object, got true");
  nlohmann::json only_failed = no_reason;
  only_failed["failure_reason"] = "guest memory corrupted";
  EXPECT_THROW(parse_dataset(only_failed.dump() + "\n", "d.jsonl"), InputError);
}

TEST(GuestMemoryCheck, TheCorruptionHookReachesTheGuestOnlyWhenAsked) {
  ValidationCase c;
  EXPECT_EQ(c.kernel_cmdline_keys().find("corrupt_on_verify"), std::string::npos);
  EXPECT_FALSE(c.to_json().contains("corrupt_guest_memory"));
  c.corrupt_guest_memory = true;
  EXPECT_NE(c.kernel_cmdline_keys().find(" migsim.corrupt_on_verify=1"), std::string::npos);
  EXPECT_EQ(c.to_json()["corrupt_guest_memory"], true);
  const nlohmann::json doc{{"name", "x"}, {"corrupt_guest_memory", true}};
  JsonObject o(doc, "m.json: cases[0]");
  EXPECT_TRUE(case_from_json(o, ValidationCase{}, true).corrupt_guest_memory);
}

}  // namespace
}  // namespace migsim::validation
