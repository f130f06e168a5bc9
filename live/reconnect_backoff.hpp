#pragma once
// When to try a host that stopped answering again: the first attempt right away,
// then after `initial_s`, doubling up to `max_s` (the schedule is bounded, the
// attempts are not: a host may come back at any time).
namespace migsim::live {

class ReconnectBackoff {
 public:
  ReconnectBackoff(double initial_s = 1.0, double max_s = 30.0) : initial_(initial_s), max_(max_s) {}
  // The host was lost at `t`: the first attempt is due at once.
  void lost(double t);
  bool due(double t) const { return t >= next_; }
  // An attempt at `t` failed: the next is due after the current delay, which doubles.
  void failed(double t);
  double next_attempt() const { return next_; }
  double delay() const { return delay_; }
  int attempts() const { return attempts_; }

 private:
  double initial_, max_;
  double next_ = 0.0, delay_ = 0.0;
  int attempts_ = 0;
};

}  // namespace migsim::live
