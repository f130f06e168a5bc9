#pragma once
// A fault injected into one real migration (issue 13): the source or the destination QEMU
// killed (SIGKILL) fault_after_s after `migrate`, the destination refusing the connection
// (started with -incoming defer: it exists but listens nowhere), or the namespace link
// dropping every packet / going down (validation/shaped_link.hpp). A link fault is detected
// as a stall (no byte transferred for kStallS) and the migration cancelled. Each makes the
// record a failed migration with its "failure_reason".
#include <string>

#include <nlohmann/json.hpp>

#include "validation/guest_vm.hpp"
#include "validation/shaped_link.hpp"
#include "validation/validation_case.hpp"

namespace migsim::validation {

class MigrationFault {
 public:
  static constexpr double kStallS = 3.0;

  explicit MigrationFault(const ValidationCase& c) : kind_(c.fault), after_s_(c.fault_after_s) {}
  bool any() const { return kind_ != "none"; }
  // drop-packets and link-down need the migration to cross a namespace link.
  bool needs_link() const { return kind_ == "drop-packets" || kind_ == "link-down"; }
  // The destination's -incoming: "defer" when it must refuse the connection.
  std::string incoming(const std::string& uri) const { return kind_ == "refuse-connection" ? "defer" : uri; }

  // Injects the fault once it is due (`elapsed_s` since migrate). `link` only for link faults.
  void inject_if_due(double elapsed_s, GuestVm& src, GuestVm& dst, ShapedLink* link);
  // Follows the migration's progress (query-migrate replies) to detect a stall.
  void observe(const nlohmann::json& reply, double elapsed_s);
  bool injected() const { return injected_; }
  bool source_killed() const { return injected_ && kind_ == "kill-source"; }
  // A link fault injected and no progress for kStallS since: the caller cancels the migration.
  bool stalled(double elapsed_s) const;

  // The record's "fault": {"kind", "after_s", "injected", and once injected "injected_at_ms"
  // and "method" (SIGKILL, -incoming defer, the qdisc, ip link set down)}.
  nlohmann::json describe() const;
  // Why the migration failed, given QEMU's final reply (status failed or cancelled).
  std::string failure_reason(const nlohmann::json& final_reply) const;

 private:
  std::string kind_, method_;
  double after_s_;
  bool injected_ = false;
  double injected_at_s_ = 0;
  double last_transferred_ = -1, last_progress_s_ = 0;
};

// The destination after its source was killed: it exits by itself once the incoming
// stream breaks. Waits up to `timeout_s` for that; returns {"exited": bool, "how"}.
nlohmann::json destination_after_source_killed(GuestVm& dst, double timeout_s);

}  // namespace migsim::validation
