#include "layers/preprocessing/quantile_summary_internal.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace keras::layers::detail {

namespace {

/// NumPy's sort order: NaN after every number.
bool before(float a, float b) { return a < b || (!std::isnan(a) && std::isnan(b)); }

/// discretization.py summarize(): the sorted values, every int(step)-th from int(step - 1),
/// each weighing step = max(size * epsilon, 1).
QuantileSummary summarize(std::vector<float> values, double epsilon) {
  std::sort(values.begin(), values.end(), before);
  const double num_buckets = 1.0 / epsilon;
  const double increment = static_cast<double>(values.size()) / num_buckets;
  const double step = std::max(increment, 1.0);
  QuantileSummary s;
  const auto stride = static_cast<size_t>(step);
  for (auto i = static_cast<size_t>(step - 1); i < values.size(); i += stride) {
    s.values.push_back(values[i]);
    s.weights.push_back(static_cast<float>(step));
  }
  return s;
}

/// np.interp(x, xp, fp) with xp increasing, as NumPy computes it (compiled_base.c).
double interp(double x, const std::vector<double>& xp, const std::vector<double>& fp) {
  const size_t n = xp.size();
  if (std::isnan(x)) return x;
  if (x < xp[0]) return fp[0];
  if (x > xp[n - 1]) return fp[n - 1];
  const size_t j = static_cast<size_t>(std::upper_bound(xp.begin(), xp.end(), x) - xp.begin()) - 1;
  if (j == n - 1 || xp[j] == x) return fp[j];
  const double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
  double r = slope * (x - xp[j]) + fp[j];
  if (std::isnan(r)) {
    r = slope * (x - xp[j + 1]) + fp[j + 1];
    if (std::isnan(r) && fp[j] == fp[j + 1]) r = fp[j];
  }
  return r;
}

/// discretization.py compress_summary(): at most ceil(1/epsilon) points, found by
/// interpolating the values and the cumulative weights at the cumulative shares epsilon,
/// 2 epsilon, ..., 1.
QuantileSummary compress(const QuantileSummary& s, double epsilon) {
  if (static_cast<double>(s.values.size()) * epsilon < 1) return s;
  const auto count = static_cast<size_t>(std::ceil(1.0 / epsilon));  // len(np.arange(0.0, 1.0, epsilon))
  std::vector<float> cum(s.weights.size());
  std::partial_sum(s.weights.begin(), s.weights.end(), cum.begin());  // float32, one after the other, as np.cumsum
  std::vector<double> xp(cum.size()), fp(cum.size()), cum_d(cum.size());
  for (size_t i = 0; i < cum.size(); ++i) {
    xp[i] = static_cast<double>(cum[i] / cum.back());  // the float32 shares
    fp[i] = static_cast<double>(s.values[i]);
    cum_d[i] = static_cast<double>(cum[i]);
  }
  QuantileSummary out;
  double previous = 0;
  for (size_t i = 0; i < count; ++i) {
    const double percent = epsilon + static_cast<double>(i) * epsilon;
    const double c = interp(percent, xp, cum_d);
    out.values.push_back(static_cast<float>(interp(percent, xp, fp)));
    out.weights.push_back(static_cast<float>(c - previous));
    previous = c;
  }
  return out;
}

/// discretization.py merge_summaries(): the new summary's columns, then the running
/// one's, sorted by value (stable), then compressed.
QuantileSummary merge(const QuantileSummary& next, const QuantileSummary& running, double epsilon) {
  QuantileSummary all = next;
  all.values.insert(all.values.end(), running.values.begin(), running.values.end());
  all.weights.insert(all.weights.end(), running.weights.begin(), running.weights.end());
  std::vector<size_t> order(all.values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return before(all.values[a], all.values[b]); });
  QuantileSummary sorted;
  for (size_t i : order) {
    sorted.values.push_back(all.values[i]);
    sorted.weights.push_back(all.weights[i]);
  }
  return compress(sorted, epsilon);
}

}  // namespace

QuantileSummary update_summary(std::vector<float> batch, const QuantileSummary& running, double epsilon) {
  return merge(summarize(std::move(batch), epsilon), running, epsilon);
}

std::vector<double> bin_boundaries(const QuantileSummary& summary, int64_t num_bins) {
  const QuantileSummary compressed = compress(summary, 1.0 / static_cast<double>(num_bins));
  std::vector<double> out;
  for (size_t i = 0; i + 1 < compressed.values.size(); ++i) out.push_back(static_cast<double>(compressed.values[i]));
  return out;
}

}  // namespace keras::layers::detail
