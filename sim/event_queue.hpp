#pragma once
#include <cstdint>
#include <functional>
#include <queue>
#include <unordered_map>
#include <vector>

#include "sim/time.hpp"

namespace migsim::sim {

using EventId = std::uint64_t;

// Pending events ordered by (time, priority, insertion order). Equal times are
// broken first by priority (lower runs first), then FIFO by insertion, so a run
// never depends on heap internals or pointer values. Cancellation is lazy: a
// cancelled event stays in the heap and is skipped when it reaches the top.
class EventQueue {
 public:
  using Handler = std::function<void()>;

  EventId push(SimTime at, int priority, Handler handler);
  // Returns false if the event already ran, was cancelled, or never existed.
  bool cancel(EventId id);
  bool is_pending(EventId id) const { return handlers_.count(id) != 0; }

  bool empty();                 // true when no live event remains
  SimTime next_time();          // time of the next live event; requires !empty()
  // Removes the next live event and returns its time and handler.
  std::pair<SimTime, Handler> pop();
  std::size_t size() const { return handlers_.size(); }

 private:
  struct Key {
    SimTime at;
    int priority;
    EventId id;
    bool operator>(const Key& o) const {
      if (at != o.at) return at > o.at;
      if (priority != o.priority) return priority > o.priority;
      return id > o.id;
    }
  };
  void drop_cancelled();

  std::priority_queue<Key, std::vector<Key>, std::greater<Key>> heap_;
  std::unordered_map<EventId, Handler> handlers_;
  EventId next_id_ = 1;
};

}  // namespace migsim::sim
