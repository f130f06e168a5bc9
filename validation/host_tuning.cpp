#include "validation/host_tuning.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>

#include "validation/accuracy_report.hpp"

namespace migsim::validation {

namespace {

constexpr int kFree = 6;  // parameters Nelder-Mead fits
using Vec = std::array<double, kFree>;

// Log-space parameter vector <-> host profile.
models::HostProfile apply(const Vec& x, models::HostProfile h) {
  h.link_mibps = std::exp(x[0]);
  h.zero_page_ns = std::exp(x[1]);
  h.sync_ms_per_gib = std::exp(x[2]);
  h.downtime_overhead_ms = std::exp(x[3]);
  h.background_dirty_pages_per_sec = std::exp(x[4]);
  h.first_pass_mibps = std::exp(x[5]);
  return h;
}

Vec start_of(const models::HostProfile& h) {
  return {std::log(h.link_mibps), std::log(std::max(1.0, h.zero_page_ns)),
          std::log(std::max(0.05, h.sync_ms_per_gib)), std::log(std::max(1.0, h.downtime_overhead_ms)),
          std::log(std::max(1.0, h.background_dirty_pages_per_sec)),
          std::log(h.first_pass_mibps > 0 ? h.first_pass_mibps : h.link_mibps / 4.0)};
}

double loss(const std::vector<const MeasuredMigration*>& train, const models::HostProfile& h,
            const GuestCalibration& g) {
  double l = 0;
  for (const auto* m : train) {
    models::MigrationScenario sc = scenario_for(m->config, h, g);
    const models::Prediction p = predict_with(kModelName, sc);
    if (p.converged != m->converged) {
      l += 4.0;
      continue;
    }
    if (!m->converged) continue;
    const double et = std::log(std::max(1.0, p.total_time_ms) / std::max(1.0, m->total_time_ms));
    const double eb = std::log(std::max(1.0, p.transferred_bytes) / std::max(1.0, m->transferred_bytes));
    const double ed = (p.downtime_ms - m->downtime_ms) / 30.0;
    l += et * et + eb * eb + 0.1 * ed * ed;
  }
  return l;
}

// Plain Nelder-Mead with a fixed evaluation budget.
Vec nelder_mead(const Vec& x0, double step, int max_evals, const std::function<double(const Vec&)>& f,
                double& best) {
  std::array<Vec, kFree + 1> s;
  std::array<double, kFree + 1> fv;
  s[0] = x0;
  for (int i = 0; i < kFree; ++i) {
    s[i + 1] = x0;
    s[i + 1][i] += step;
  }
  int evals = 0;
  for (int i = 0; i <= kFree; ++i) fv[i] = f(s[i]), ++evals;
  while (evals < max_evals) {
    std::array<int, kFree + 1> idx;
    for (int i = 0; i <= kFree; ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](int a, int b) { return fv[a] < fv[b] || (fv[a] == fv[b] && a < b); });
    const int hi = idx[kFree], lo = idx[0];
    const int second = idx[kFree - 1];
    Vec c{};
    for (int i = 0; i < kFree; ++i) {
      for (int k = 0; k < kFree; ++k) c[k] += s[idx[i]][k] / kFree;
    }
    auto along = [&](double t) {
      Vec v;
      for (int k = 0; k < kFree; ++k) v[k] = c[k] + t * (s[hi][k] - c[k]);
      return v;
    };
    const Vec xr = along(-1.0);
    const double fr = f(xr);
    ++evals;
    if (fr < fv[lo]) {
      const Vec xe = along(-2.0);
      const double fe = f(xe);
      ++evals;
      if (fe < fr) s[hi] = xe, fv[hi] = fe;
      else s[hi] = xr, fv[hi] = fr;
    } else if (fr < fv[second]) {
      s[hi] = xr, fv[hi] = fr;
    } else {
      const Vec xc = along(fr < fv[hi] ? -0.5 : 0.5);
      const double fc = f(xc);
      ++evals;
      if (fc < std::min(fr, fv[hi])) {
        s[hi] = xc, fv[hi] = fc;
      } else {
        for (int i = 0; i <= kFree; ++i) {
          if (i == lo) continue;
          for (int k = 0; k < kFree; ++k) s[i][k] = s[lo][k] + 0.5 * (s[i][k] - s[lo][k]);
          fv[i] = f(s[i]);
          ++evals;
        }
      }
    }
  }
  int b = 0;
  for (int i = 1; i <= kFree; ++i) {
    if (fv[i] < fv[b]) b = i;
  }
  best = fv[b];
  return s[b];
}

// y = a + b x by least squares; returns false with fewer than 2 distinct x.
bool fit_line(const std::vector<double>& x, const std::vector<double>& y, double& a, double& b) {
  if (x.size() < 2) return false;
  if (*std::max_element(x.begin(), x.end()) - *std::min_element(x.begin(), x.end()) < 1e-9) {
    return false;
  }
  Eigen::MatrixXd A(static_cast<Eigen::Index>(x.size()), 2);
  Eigen::VectorXd Y(static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) {
    A(static_cast<Eigen::Index>(i), 0) = 1.0;
    A(static_cast<Eigen::Index>(i), 1) = x[i];
    Y(static_cast<Eigen::Index>(i)) = y[i];
  }
  const Eigen::VectorXd c = A.colPivHouseholderQr().solve(Y);
  a = c(0);
  b = c(1);
  return true;
}

}  // namespace

TunedParameters default_parameters() {
  TunedParameters t;
  t.host.link_mibps = 1192.0;
  t.host.setup_ms = 5.0;
  t.host.zero_page_ns = 60.0;
  t.host.sync_ms_per_gib = 0.5;
  t.host.downtime_overhead_ms = 5.0;
  t.host.background_dirty_pages_per_sec = 50.0;
  t.host.background_wss_mib = 16.0;
  return t;
}

TunedParameters tune_on_training_split(const std::vector<MeasuredMigration>& data) {
  TunedParameters t = default_parameters();
  std::vector<const MeasuredMigration*> train;
  for (const auto& m : data) {
    if (m.training()) train.push_back(&m);
  }
  t.training_cases = static_cast<int>(train.size());
  if (train.empty()) {
    t.notes.push_back("no training cases: generic defaults");
    return t;
  }
  // 1. Guest OS footprint from idle converged runs.
  std::vector<double> x, y;
  for (const auto* m : train) {
    if (m->converged && m->config.dirty_pages_per_sec == 0) {
      x.push_back(m->config.ram_mib / 1024.0);
      y.push_back(m->normal_pages / models::kPagesPerMiB - m->config.fill_mib);
    }
  }
  double a = 0, b = 0;
  if (fit_line(x, y, a, b)) {
    t.guest.os_nonzero_mib = std::max(0.0, a);
    t.guest.os_nonzero_mib_per_gib = std::max(0.0, b);
    t.notes.push_back("guest OS non-zero MiB = a + b*RAM_GiB: least squares on " +
                      std::to_string(x.size()) + " idle training runs");
  } else if (!x.empty()) {
    double s = 0;
    for (double v : y) s += v;
    t.guest.os_nonzero_mib = std::max(0.0, s / static_cast<double>(y.size()));
    t.guest.os_nonzero_mib_per_gib = 0.0;
    t.notes.push_back("guest OS non-zero MiB: mean of idle training runs (one RAM size)");
  }
  // 2. Setup time against RAM.
  x.clear();
  y.clear();
  for (const auto* m : train) {
    x.push_back(m->config.ram_mib / 1024.0);
    y.push_back(m->setup_time_ms);
  }
  if (fit_line(x, y, a, b)) {
    t.host.setup_ms = std::max(0.0, a);
    t.host.setup_ms_per_gib = std::max(0.0, b);
    t.notes.push_back("setup-time = a + b*RAM_GiB: least squares on all training runs");
  }
  // 3. The rest through the model itself.
  // The TCG TLB size is discrete: the best of a few powers of two (0 = all writes logged).
  const GuestCalibration g = t.guest;
  double best_loss = std::numeric_limits<double>::infinity();
  for (const double tlb : {0.0, 4096.0, 8192.0, 16384.0, 32768.0}) {
    models::HostProfile base = t.host;
    base.tcg_tlb_entries = tlb;
    double l = 0;
    const Vec fitted = nelder_mead(
        start_of(base), 0.7, 500, [&](const Vec& v) { return loss(train, apply(v, base), g); }, l);
    if (l < best_loss) {
      best_loss = l;
      t.host = apply(fitted, base);
    }
  }
  t.training_loss = best_loss;
  t.notes.push_back("link (stop-and-copy), first-pass ceiling, zero-page cost, sync cost, downtime "
                    "overhead, background dirtying: Nelder-Mead on the model's log errors, for "
                    "each TCG TLB size in {0, 4096, 8192, 16384, 32768}, best kept (training runs only)");
  return t;
}

nlohmann::json to_json(const TunedParameters& t) {
  auto r = [](double v) { return std::round(v * 1000.0) / 1000.0; };
  return {{"host_profile",
           {{"link_mibps", r(t.host.link_mibps)},
            {"first_pass_mibps", r(t.host.first_pass_mibps)},
            {"tcg_tlb_entries", r(t.host.tcg_tlb_entries)},
            {"setup_ms", r(t.host.setup_ms)},
            {"setup_ms_per_gib", r(t.host.setup_ms_per_gib)},
            {"zero_page_ns", r(t.host.zero_page_ns)},
            {"normal_page_ns", r(t.host.normal_page_ns)},
            {"sync_ms_per_gib", r(t.host.sync_ms_per_gib)},
            {"downtime_overhead_ms", r(t.host.downtime_overhead_ms)},
            {"background_dirty_pages_per_sec", r(t.host.background_dirty_pages_per_sec)},
            {"background_wss_mib", r(t.host.background_wss_mib)},
            {"guest_max_write_pages_per_sec", r(t.host.guest_max_write_pages_per_sec)}}},
          {"guest_calibration",
           {{"os_nonzero_mib", r(t.guest.os_nonzero_mib)},
            {"os_nonzero_mib_per_gib", r(t.guest.os_nonzero_mib_per_gib)}}},
          {"training_cases", t.training_cases},
          {"training_loss", r(t.training_loss)},
          {"notes", t.notes}};
}

}  // namespace migsim::validation
