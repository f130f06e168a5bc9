#pragma once
#include <cstdint>

#include "sim/event_queue.hpp"
#include "sim/time.hpp"

namespace migsim::sim {

// The discrete-event kernel: a clock that only moves forward and the queue of
// pending events. Handlers may schedule and cancel further events.
class Simulator {
 public:
  SimTime now() const { return now_; }

  // Schedules at an absolute time; scheduling in the past is a logic error.
  EventId schedule_at(SimTime at, EventQueue::Handler h, int priority = 0);
  EventId schedule_in(SimTime delay, EventQueue::Handler h, int priority = 0) {
    return schedule_at(now_ + delay, std::move(h), priority);
  }
  bool cancel(EventId id) { return queue_.cancel(id); }
  bool is_pending(EventId id) const { return queue_.is_pending(id); }
  bool has_pending() { return !queue_.empty(); }
  // Time of the next live event; requires has_pending().
  SimTime next_time() { return queue_.next_time(); }

  // Runs the next event; returns false when none is left.
  bool step();
  // Runs every event with time <= until, then sets the clock to `until`.
  void run_until(SimTime until);
  // Runs until the queue is empty.
  void run();
  std::uint64_t events_processed() const { return processed_; }

 private:
  SimTime now_ = 0.0;
  EventQueue queue_;
  std::uint64_t processed_ = 0;
};

}  // namespace migsim::sim
