#pragma once
// Migrations running at once, one thread per job: the controller starts them and
// keeps deciding; it collects the finished ones at each step. A job is a
// callable returning its report; one that throws is reported as failed with the
// exception's text.
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "live/libvirt_migration.hpp"

namespace migsim::live {

class MigrationJobs {
 public:
  struct Finished {
    int vm = -1;
    LiveMigrationReport report;
  };
  MigrationJobs() = default;
  ~MigrationJobs();  // waits for every job
  MigrationJobs(const MigrationJobs&) = delete;
  MigrationJobs& operator=(const MigrationJobs&) = delete;

  // Starts `job` for VM `vm` (at most one job per VM: std::logic_error otherwise).
  void start(int vm, std::function<LiveMigrationReport()> job);
  bool running(int vm) const;
  int running_count() const;
  // The jobs that ended since the last call, in the order they ended.
  std::vector<Finished> take_finished();
  // Blocks until no job runs (their reports wait in take_finished), or until
  // `timeout_s` passed (< 0: no limit); true when none runs.
  bool wait_all(double timeout_s = -1.0);

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<int, std::thread> threads_;  // by VM, until collected
  std::map<int, bool> active_;          // by VM: true while the job runs
  std::vector<Finished> finished_;
};

}  // namespace migsim::live
