#include "sim/simulator.hpp"

#include <stdexcept>
#include <string>

namespace migsim::sim {

EventId Simulator::schedule_at(SimTime at, EventQueue::Handler h, int priority) {
  if (at < now_) {
    throw std::logic_error("event scheduled in the past: at=" + std::to_string(at) +
                           " now=" + std::to_string(now_));
  }
  return queue_.push(at, priority, std::move(h));
}

bool Simulator::step() {
  if (queue_.empty()) return false;
  auto [at, handler] = queue_.pop();
  now_ = at;
  ++processed_;
  handler();
  return true;
}

void Simulator::run_until(SimTime until) {
  while (!queue_.empty() && queue_.next_time() <= until) step();
  if (until > now_) now_ = until;
}

void Simulator::run() {
  while (step()) {
  }
}

}  // namespace migsim::sim
