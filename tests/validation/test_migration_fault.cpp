// Faults in real migrations (issue 13) without QEMU: the case keys, when a link fault
// counts as a stall, and the failure reasons the records carry.
#include <gtest/gtest.h>

#include <string>

#include "sim/input_error.hpp"
#include "validation/migration_fault.hpp"

namespace migsim::validation {
namespace {

ValidationCase with_fault(const std::string& kind, double after_s = 1.0) {
  ValidationCase c;
  c.fault = kind;
  c.fault_after_s = after_s;
  return c;
}

std::string matrix_error(const nlohmann::json& doc) {
  try {
    parse_matrix(doc, "faults.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(MigrationFault, CaseKeysAreReadStrictlyAndOnlyWrittenWhenSet) {
  const nlohmann::json ok{{"cases", {{{"name", "f"}, {"fault", "link-down"}, {"fault_after_s", 2}, {"horizon_s", 8}}}}};
  const auto cases = parse_matrix(ok, "faults.json");
  EXPECT_EQ(cases[0].fault, "link-down");
  EXPECT_DOUBLE_EQ(cases[0].fault_after_s, 2.0);
  EXPECT_EQ(cases[0].to_json()["fault"], "link-down");
  EXPECT_FALSE(ValidationCase{}.to_json().contains("fault"));
  EXPECT_FALSE(ValidationCase{}.to_json().contains("fault_after_s"));
  const std::string bad = matrix_error({{"cases", {{{"name", "f"}, {"fault", "unplug"}}}}});
  EXPECT_NE(bad.find("fault"), std::string::npos) << bad;
  EXPECT_NE(bad.find("unplug"), std::string::npos) << bad;
  EXPECT_EQ(matrix_error({{"cases", {{{"name", "f"}, {"fault", "kill-source"}, {"fault_after_s", 9}, {"horizon_s", 8}}}}}),
            "faults.json: cases[0] 'f'.fault_after_s: 9 s is not before the horizon (8 s)");
}

TEST(MigrationFault, WhatEachKindNeeds) {
  EXPECT_FALSE(MigrationFault(ValidationCase{}).any());
  EXPECT_TRUE(MigrationFault(with_fault("drop-packets")).needs_link());
  EXPECT_TRUE(MigrationFault(with_fault("link-down")).needs_link());
  EXPECT_FALSE(MigrationFault(with_fault("kill-destination")).needs_link());
  EXPECT_EQ(MigrationFault(with_fault("refuse-connection")).incoming("tcp:127.0.0.1:5"), "defer");
  EXPECT_EQ(MigrationFault(with_fault("kill-source")).incoming("tcp:127.0.0.1:5"), "tcp:127.0.0.1:5");
}

TEST(MigrationFault, ARefusedConnectionIsInPlaceFromTheStart) {
  MigrationFault f(with_fault("refuse-connection", 5.0));
  GuestVm src, dst;
  f.inject_if_due(0.0, src, dst, nullptr);
  EXPECT_TRUE(f.injected());
  EXPECT_EQ(f.describe()["injected"], true);
  EXPECT_EQ(f.describe()["method"], "-incoming defer");
  EXPECT_EQ(f.failure_reason({{"status", "failed"}, {"error-desc", "Connection refused"}}),
            "destination refused the connection: Connection refused");
}

TEST(MigrationFault, NothingHappensBeforeItIsDue) {
  MigrationFault f(with_fault("kill-destination", 2.0));
  GuestVm src, dst;  // no processes: injecting now would dereference them
  f.inject_if_due(1.9, src, dst, nullptr);
  EXPECT_FALSE(f.injected());
  EXPECT_EQ(f.describe(), (nlohmann::json{{"kind", "kill-destination"}, {"after_s", 2.0}, {"injected", false}}));
  EXPECT_FALSE(f.stalled(100.0));
}

TEST(MigrationFault, ALinkFaultWithoutALinkIsAnEnvironmentError) {
  MigrationFault f(with_fault("drop-packets", 0.0));
  GuestVm src, dst;
  EXPECT_THROW(f.inject_if_due(0.0, src, dst, nullptr), EnvironmentError);
}

TEST(MigrationFault, ReasonsNameTheFaultAndQemusError) {
  const nlohmann::json failed{{"status", "failed"}, {"error-desc", "Unable to write to socket: Broken pipe"}};
  const nlohmann::json cancelled{{"status", "cancelled"}};
  EXPECT_EQ(MigrationFault(with_fault("kill-source")).failure_reason(nlohmann::json::object()), "source QEMU killed");
  EXPECT_EQ(MigrationFault(with_fault("kill-destination")).failure_reason(failed),
            "destination QEMU killed: Unable to write to socket: Broken pipe");
  EXPECT_EQ(MigrationFault(with_fault("drop-packets")).failure_reason(cancelled),
            "link dropping packets: no progress for 3 s, cancelled");
  EXPECT_EQ(MigrationFault(with_fault("link-down")).failure_reason(cancelled), "link down: no progress for 3 s, cancelled");
  EXPECT_EQ(MigrationFault(with_fault("link-down")).failure_reason(failed),
            "link down: Unable to write to socket: Broken pipe");
  EXPECT_EQ(MigrationFault(with_fault("kill-destination")).failure_reason({{"status", "failed"}}),
            "destination QEMU killed: QEMU gave no error-desc");
}

}  // namespace
}  // namespace migsim::validation
