#include "live/migration_jobs.hpp"

#include <chrono>
#include <stdexcept>

namespace migsim::live {

MigrationJobs::~MigrationJobs() {
  wait_all();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [vm, t] : threads_) {
    if (t.joinable()) t.join();
  }
}

void MigrationJobs::start(int vm, std::function<LiveMigrationReport()> job) {
  std::lock_guard<std::mutex> lock(mu_);
  if (active_.count(vm)) throw std::logic_error("MigrationJobs: VM already has a job");
  auto old = threads_.find(vm);
  if (old != threads_.end()) {  // ended, not collected yet: it has returned
    old->second.join();
    threads_.erase(old);
  }
  active_[vm] = true;
  threads_[vm] = std::thread([this, vm, job = std::move(job)] {
    Finished f;
    f.vm = vm;
    try {
      f.report = job();
    } catch (const std::exception& e) {
      f.report.ok = false;
      f.report.error = e.what();
    }
    std::lock_guard<std::mutex> l(mu_);
    active_.erase(vm);
    finished_.push_back(std::move(f));
    cv_.notify_all();
  });
}

bool MigrationJobs::running(int vm) const {
  std::lock_guard<std::mutex> lock(mu_);
  return active_.count(vm) != 0;
}

int MigrationJobs::running_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(active_.size());
}

std::vector<MigrationJobs::Finished> MigrationJobs::take_finished() {
  std::vector<Finished> out;
  std::vector<std::thread> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    out.swap(finished_);
    for (const auto& f : out) {
      auto it = threads_.find(f.vm);
      if (it != threads_.end() && !active_.count(f.vm)) {
        done.push_back(std::move(it->second));
        threads_.erase(it);
      }
    }
  }
  for (auto& t : done) t.join();  // each has returned its report already
  return out;
}

bool MigrationJobs::wait_all(double timeout_s) {
  std::unique_lock<std::mutex> lock(mu_);
  if (timeout_s < 0) {
    cv_.wait(lock, [&] { return active_.empty(); });
    return true;
  }
  return cv_.wait_for(lock, std::chrono::duration<double>(timeout_s), [&] { return active_.empty(); });
}

}  // namespace migsim::live
