#pragma once
#include <memory>
#include <string>

#include "sim/placement.hpp"

namespace migsim::policies {

// Decides whether a host is overloaded, from the Placement snapshot (the VMs'
// current requests and utilisation histories). One implementation per file:
// thr_detector.cpp, iqr_detector.cpp, mad_detector.cpp, lr_detector.cpp (LR and LRR).
class OverloadDetector {
 public:
  virtual ~OverloadDetector() = default;
  virtual std::string name() const = 0;
  bool overloaded(const sim::Placement& p, int host) const { return overloaded_with(p, host, -1); }
  // As if VM `extra_vm` (>= 0; -1: none) were added to the host after its VMs:
  // what CloudSim computes by creating the VM there, testing and destroying it.
  virtual bool overloaded_with(const sim::Placement& p, int host, int extra_vm) const = 0;
};

// History (samples of the host's utilisation) a detector needs before it
// decides by itself; with fewer, its fallback decides.
inline constexpr int kQuartileMinHistory = 12;    // IQR, MAD
inline constexpr int kRegressionMinHistory = 10;  // LR, LRR: the regression window

// Sum of the host's VMs' requested MIPS (plus extra_vm's) / host MIPS (may exceed 1).
double requested_utilization(const sim::Placement& p, int host, int extra_vm = -1);

// THR: requested utilisation > threshold.
std::unique_ptr<OverloadDetector> make_thr_detector(double threshold);
// IQR / MAD: threshold = 1 - safety x IQR (MAD) of the host's utilisation
// history; with fewer than kQuartileMinHistory values the fallback decides.
std::unique_ptr<OverloadDetector> make_iqr_detector(double safety,
                                                    std::unique_ptr<OverloadDetector> fallback);
std::unique_ptr<OverloadDetector> make_mad_detector(double safety,
                                                    std::unique_ptr<OverloadDetector> fallback);
// LR: least-squares line through the last kRegressionMinHistory values, extrapolated by
// the longest migration time of the host's VMs (in intervals, rounded up),
// times safety >= 1 => overloaded. Fewer values: the fallback decides.
// `migration_bw_mbps` is the bandwidth of that estimate (RAM / (BW/2)).
std::unique_ptr<OverloadDetector> make_lr_detector(double safety, double interval_s,
                                                   std::unique_ptr<OverloadDetector> fallback);
// LRR: robust (bisquare re-weighted) local regression. In CloudSim 3.0.3 the
// weights never reach zero, so the fit — and every decision — equals LR's.
std::unique_ptr<OverloadDetector> make_lrr_detector(double safety, double interval_s,
                                                    std::unique_ptr<OverloadDetector> fallback);

}  // namespace migsim::policies
