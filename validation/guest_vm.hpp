#pragma once
// The pieces of a real migration shared by the single-migration runner and the
// batch runner: a work folder, a QEMU guest with its QMP socket and serial
// console, QEMU's migration settings, the polled trajectory and the health
// check of the guest after the migration.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "validation/guest_image.hpp"
#include "validation/qemu_process.hpp"
#include "validation/qmp_client.hpp"
#include "validation/validation_case.hpp"

namespace migsim::validation {

// The guest's serial console, captured by QEMU into a file, read incrementally.
class SerialLog {
 public:
  explicit SerialLog(std::string path) : path_(std::move(path)) {}
  void refresh();  // reads what QEMU appended since the last call
  const std::string& text() const { return text_; }
  std::size_t find(const std::string& marker, std::size_t from = 0) const {
    return text_.find(marker, from);
  }
  std::string line_at(std::size_t pos) const;

 private:
  std::string path_;
  std::string text_;
};

// A private folder for one run's sockets and logs; removed on destruction.
class WorkDir {
 public:
  WorkDir(const std::string& root, bool keep);
  ~WorkDir();
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool keep_;
};

// One QEMU instance of a run: process + QMP + serial console (ttyS0, a file) + the
// control port (ttyS1, a unix socket QEMU listens on: the harness's commands to the guest).
struct GuestVm {
  std::unique_ptr<ChildProcess> proc;
  QmpClient qmp;
  std::unique_ptr<SerialLog> serial;
  std::string role;
  std::string control_socket;
};

// What a harness adds to a guest's QEMU beyond the case: devices (e.g. a NIC) and kernel
// command line keys (e.g. the web app's migweb.*).
struct GuestExtras {
  std::vector<std::string> qemu_args;
  std::string cmdline;
};

// Starts QEMU for `c` as `role` (files `dir/role-*`); `incoming` non-empty =
// a destination waiting on that URI; `netns` non-empty = inside that network
// namespace (/run/netns/NAME). Connects QMP.
void start_guest(GuestVm& vm, const std::string& qemu_path, const std::string& accel,
                 const ValidationCase& c, const GuestImage& img, const std::string& dir,
                 const std::string& role, const std::string& incoming, const std::string& netns = "",
                 const GuestExtras& extras = {});

// Waits for `marker` on the guest's console; returns its line. Fails early on
// MIGSIM-ERROR or a QEMU that exited.
std::string wait_for_marker(GuestVm& vm, const std::string& marker, double timeout_s,
                            std::size_t from = 0);

// Heartbeat rates printed by the guest from byte offset `from`: [t_s, writes/s].
nlohmann::json heartbeat_rates(const SerialLog& s, std::size_t from);

// calc-dirty-rate (page sampling) and its result.
nlohmann::json measure_dirty_rate(QmpClient& qmp, int calc_s);

// Sets the case's capabilities and parameters on the source; returns QEMU's
// view: {"parameters": ..., "capabilities": ...}.
nlohmann::json set_migration_parameters(QmpClient& src, const ValidationCase& c);

// query-migrate polled until the end: the rows of the record's trajectory, the
// last reply while active and the final reply.
class MigrationPoll {
 public:
  explicit MigrationPoll(double t0_s) : t0_s_(t0_s) {}
  // Records reply `r` (at monotonic time now); true once it is an end state.
  bool add(const nlohmann::json& r);
  const std::string& status() const { return status_; }
  double total_time_ms() const;
  bool ended() const { return ended_; }
  nlohmann::json trajectory() const;
  const nlohmann::json& final_reply() const { return final_; }
  const nlohmann::json& last_active() const { return last_active_; }

 private:
  double t0_s_;
  nlohmann::json rows_ = nlohmann::json::array();
  nlohmann::json last_active_, final_, last_;
  std::string status_;
  bool ended_ = false;
  int stats_pending_replies_ = 0;
};

// Sets the record's "qemu" (the final reply), "outcome" (completed | not-converged)
// and, for a cancelled run, "qemu_last_active"; EnvironmentError with QEMU's
// error and the destination's state when the migration failed.
void record_outcome(nlohmann::json& rec, const MigrationPoll& poll, GuestVm& dst);

// The guest must go on running where it ended up, with its memory intact: two
// more heartbeats whose guest-clock t continues and no panic, Oops or reboot on
// the console. Returns the record's guest_alive_after object ("alive": bool).
nlohmann::json check_guest_after(GuestVm& src, GuestVm& dst, bool completed);

// The end of a migration's record, after record_outcome: "guest_alive_after" (check_guest_after;
// a warning through `say` when the guest is not healthy), "guest" = `guest` plus the source's
// heartbeat rates during the migration (console from `hb_from`) and since READY (from
// `ready_pos`), and env.host_load_1min_end.
void finish_migration_record(nlohmann::json& rec, nlohmann::json guest, GuestVm& src, GuestVm& dst,
                             bool completed, std::size_t hb_from, std::size_t ready_pos,
                             const std::function<void(const std::string&)>& say);

double load_average_1min();
int free_loopback_port();
// A JSON number field, 0 when absent.
double number_or_zero(const nlohmann::json& j, const char* key);

}  // namespace migsim::validation
