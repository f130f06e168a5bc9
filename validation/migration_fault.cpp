#include "validation/migration_fault.hpp"

#include <algorithm>
#include <cmath>

#include "sim/input_error.hpp"
#include "validation/interrupt.hpp"
#include "validation/monotonic_clock.hpp"

namespace migsim::validation {

void MigrationFault::inject_if_due(double elapsed_s, GuestVm& src, GuestVm& dst, ShapedLink* link) {
  if (!any() || injected_) return;
  if (kind_ == "refuse-connection") {  // in place since the destination started
    injected_ = true;
    method_ = "-incoming defer";
    return;
  }
  if (elapsed_s < after_s_) return;
  if (kind_ == "kill-source") {
    src.proc->kill_and_wait();
    method_ = "SIGKILL";
  } else if (kind_ == "kill-destination") {
    dst.proc->kill_and_wait();
    method_ = "SIGKILL";
  } else {
    if (link == nullptr) throw EnvironmentError("fault " + kind_ + " needs a namespace link");
    if (kind_ == "drop-packets") {
      method_ = "tc qdisc " + link->drop_all_packets();
    } else {
      link->take_down();
      method_ = "ip link set down";
    }
  }
  injected_ = true;
  injected_at_s_ = elapsed_s;
  last_progress_s_ = elapsed_s;
}

void MigrationFault::observe(const nlohmann::json& reply, double elapsed_s) {
  const double t = number_or_zero(reply.value("ram", nlohmann::json::object()), "transferred");
  if (t != last_transferred_) {
    last_transferred_ = t;
    last_progress_s_ = elapsed_s;
  }
}

bool MigrationFault::stalled(double elapsed_s) const {
  return injected_ && needs_link() && elapsed_s - std::max(last_progress_s_, injected_at_s_) >= kStallS;
}

nlohmann::json MigrationFault::describe() const {
  nlohmann::json j{{"kind", kind_}, {"after_s", after_s_}, {"injected", injected_}};
  if (injected_) {
    j["injected_at_ms"] = std::llround(injected_at_s_ * 1000.0);
    j["method"] = method_;
  }
  return j;
}

std::string MigrationFault::failure_reason(const nlohmann::json& final_reply) const {
  const std::string status = final_reply.value("status", std::string("?"));
  const std::string qemu = status == "failed"
                               ? ": " + final_reply.value("error-desc", std::string("QEMU gave no error-desc"))
                               : "";
  if (kind_ == "kill-source") return "source QEMU killed";
  if (kind_ == "kill-destination") return "destination QEMU killed" + qemu;
  if (kind_ == "refuse-connection") return "destination refused the connection" + qemu;
  const std::string what = kind_ == "drop-packets" ? "link dropping packets" : "link down";
  if (status == "cancelled") {
    return what + ": no progress for " + std::to_string(static_cast<int>(kStallS)) + " s, cancelled";
  }
  return what + qemu;
}

nlohmann::json destination_after_source_killed(GuestVm& dst, double timeout_s) {
  const double deadline = monotonic_s() + timeout_s;
  while (dst.proc->alive() && monotonic_s() < deadline) {
    throw_if_interrupted();
    wait_briefly_ms(100);
  }
  const bool exited = !dst.proc->alive();
  return {{"exited", exited}, {"how", dst.proc->exit_description()}};
}

}  // namespace migsim::validation
