#include "sim/event_queue.hpp"

#include <stdexcept>

namespace migsim::sim {

EventId EventQueue::push(SimTime at, int priority, Handler handler) {
  const EventId id = next_id_++;
  heap_.push(Key{at, priority, id});
  handlers_.emplace(id, std::move(handler));
  return id;
}

bool EventQueue::cancel(EventId id) { return handlers_.erase(id) != 0; }

void EventQueue::drop_cancelled() {
  while (!heap_.empty() && handlers_.count(heap_.top().id) == 0) heap_.pop();
}

bool EventQueue::empty() {
  drop_cancelled();
  return heap_.empty();
}

SimTime EventQueue::next_time() {
  drop_cancelled();
  if (heap_.empty()) throw std::logic_error("EventQueue::next_time on an empty queue");
  return heap_.top().at;
}

std::pair<SimTime, EventQueue::Handler> EventQueue::pop() {
  drop_cancelled();
  if (heap_.empty()) throw std::logic_error("EventQueue::pop on an empty queue");
  const Key key = heap_.top();
  heap_.pop();
  auto it = handlers_.find(key.id);
  Handler h = std::move(it->second);
  handlers_.erase(it);
  return {key.at, std::move(h)};
}

}  // namespace migsim::sim
