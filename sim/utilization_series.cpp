#include "sim/utilization_series.hpp"

#include <cmath>
#include <stdexcept>

namespace migsim::sim {

namespace {
void check_interval(double interval_s) {
  if (!(interval_s > 0)) throw std::invalid_argument("UtilizationSeries: interval must be > 0");
}
}  // namespace

UtilizationSeries::UtilizationSeries(std::string name, double interval_s, std::vector<double> samples)
    : name_(std::move(name)), interval_s_(interval_s), size_(samples.size()), table_(std::move(samples)) {
  check_interval(interval_s_);
  if (size_ == 0) throw std::invalid_argument("UtilizationSeries: no samples");
}

UtilizationSeries::UtilizationSeries(std::string name, double interval_s, std::unique_ptr<SampleSource> source)
    : name_(std::move(name)), interval_s_(interval_s), source_(std::move(source)) {
  check_interval(interval_s_);
  if (!source_) throw std::invalid_argument("UtilizationSeries: no sample source");
  size_ = source_->size();
  if (size_ == 0) throw std::invalid_argument("UtilizationSeries: no samples");
}

UtilizationSeries::UtilizationSeries(const UtilizationSeries& o)
    : name_(o.name_),
      interval_s_(o.interval_s_),
      size_(o.size_),
      table_(o.table_),
      source_(o.source_ ? o.source_->clone() : nullptr),
      next_(o.next_),
      before_last_(o.before_last_),
      last_(o.last_) {}

UtilizationSeries& UtilizationSeries::operator=(const UtilizationSeries& o) {
  if (this != &o) *this = UtilizationSeries(o);
  return *this;
}

std::vector<double> UtilizationSeries::samples() const {
  if (!source_) return table_.to_vector();
  std::vector<double> out;
  out.reserve(size_);
  const std::unique_ptr<SampleSource> s = source_->clone();
  s->rewind();
  for (std::size_t i = 0; i < size_; ++i) out.push_back(s->next());
  return out;
}

double UtilizationSeries::streamed_sample(std::size_t i) const {
  if (i + 1 == next_) return last_;
  if (i + 2 == next_) return before_last_;
  if (i < next_) {  // an earlier window: read again from the start
    source_->rewind();
    next_ = 0;
  }
  while (next_ <= i) {
    before_last_ = last_;
    last_ = source_->next();
    ++next_;
  }
  return last_;
}

double UtilizationSeries::sample(long long i) const {
  const std::size_t k = i < 0 ? 0 : i >= static_cast<long long>(size_) ? size_ - 1 : static_cast<std::size_t>(i);
  return source_ ? streamed_sample(k) : table_[k];
}

double UtilizationSeries::at(double time) const {
  const double si = interval_s_;
  const double q = time / si;
  // floor/ceil of q (q >= 0 here, so truncation is floor).
  const long long t1 = q >= 0 ? static_cast<long long>(q) : static_cast<long long>(std::floor(q));
  const long long t2 = static_cast<double>(t1) == q ? t1 : t1 + 1;
  // fmod(t, si) == 0 implies t / si is an integer: the cheap test first.
  if (t1 == t2 && std::fmod(time, si) == 0) return sample(t1);
  const double u1 = sample(t1);
  const double u2 = sample(t2);
  const double delta = (u2 - u1) / (static_cast<double>(t2 - t1) * si);
  return u1 + delta * (time - static_cast<double>(t1) * si);
}

}  // namespace migsim::sim
