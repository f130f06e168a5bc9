#include "live/reconnect_backoff.hpp"

#include <algorithm>

namespace migsim::live {

void ReconnectBackoff::lost(double t) {
  next_ = t;
  delay_ = initial_;
  attempts_ = 0;
}

void ReconnectBackoff::failed(double t) {
  ++attempts_;
  next_ = t + delay_;
  delay_ = std::min(max_, delay_ * 2.0);
}

}  // namespace migsim::live
