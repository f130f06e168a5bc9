#pragma once
// An open-loop request stream through a FIFO queue of `servers` servers whose speed changes
// over time: the engine of the application-impact models (models/app_impact_model.hpp).
// A request's service is work (ms of an undisturbed server); a server at speed v does v ms of
// it per ms; speed 0 is a paused guest. Deterministic for a seed.
#include <optional>
#include <vector>

#include "models/app_params.hpp"
#include "models/request_log.hpp"

namespace migsim::models {

// From `from_s` (until the next segment's from_s), the servers run at `speed`.
struct SpeedSegment {
  double from_s = 0.0;
  double speed = 1.0;
};

struct QueueInput {
  // Sorted by from_s, the first at 0; the last must have speed > 0 (it lasts for ever).
  std::vector<SpeedSegment> speed;
  // While the guest is unreachable, a request's connection cannot complete: it reaches the
  // server when the guest is reachable again.
  std::optional<TimeInterval> unreachable;
  // With syn_retry_s > 0, a connection attempted in `syn_lost` (the guest paused: its NIC
  // takes nothing, and what queued for it dies with the source) loses its SYN; the client's
  // retransmissions (send + r, + 2r, + 4r ...: Linux's doubling RTO) that fall in it too.
  // The first one after it reaches the server (when the guest is unreachable then, once it
  // is reachable again).
  std::optional<TimeInterval> syn_lost;
  // When set, not every attempt in `syn_lost` loses its SYN but this many, those sent nearest
  // its middle (AppParams::syn_loss "expected": the arrivals' phase against the pause unknown).
  std::optional<int> syn_lost_count;
  double syn_retry_s = 0.0;
  double end_s = 0.0;  // requests are sent in [0, end_s)
};

// The requests of `app`'s stream (arrivals, service times, servers, timeout), in send order.
std::vector<RequestRecord> simulate_requests(const AppParams& app, const QueueInput& in);

// When a server that starts `work_ms` of service at `start_s` finishes it.
double finish_time(const std::vector<SpeedSegment>& speed, double start_s, double work_ms);

}  // namespace migsim::models
