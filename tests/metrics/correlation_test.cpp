// Correlation metrics against a plain reference of the formulas in
// keras/src/metrics/correlation_metrics.py (per sample over the last axis, population
// statistics; Keras's concordance centres y_true on y_pred's mean in the covariance).
#include "keras/metrics/correlation.h"

#include <cmath>

#include "test_utils.h"

namespace keras::metrics {
namespace {

Tensor m(std::vector<float> x, int64_t rows, int64_t cols) { return Tensor::from_vector<float>(x, {rows, cols}); }

double mean(const std::vector<double>& x) {
  double s = 0;
  for (double a : x) s += a;
  return s / static_cast<double>(x.size());
}
double var(const std::vector<double>& x) {
  const double mu = mean(x);
  double s = 0;
  for (double a : x) s += (a - mu) * (a - mu);
  return s / static_cast<double>(x.size());
}
double pearson(const std::vector<double>& t, const std::vector<double>& p) {
  const double mt = mean(t), mp = mean(p);
  double c = 0;
  for (size_t i = 0; i < t.size(); ++i) c += (t[i] - mt) * (p[i] - mp);
  return c / static_cast<double>(t.size()) / std::sqrt(var(t) * var(p));
}
double concordance(const std::vector<double>& t, const std::vector<double>& p) {
  const double mt = mean(t), mp = mean(p), norm = var(t) + var(p) + (mt - mp) * (mt - mp) + 1e-7;
  double s = 0;
  for (size_t i = 0; i < t.size(); ++i) s += 2 * (t[i] - mp) * (p[i] - mp) / norm;
  return s / static_cast<double>(t.size());
}

TEST(CorrelationMetrics, PerSampleThenAveraged) {
  const Tensor y = m({1, 2, 3, 1, 0, 1}, 2, 3), p = m({2, 4, 7, 0, 1, 0.5f}, 2, 3);
  const double p0 = pearson({1, 2, 3}, {2, 4, 7}), p1 = pearson({1, 0, 1}, {0, 1, 0.5});
  PearsonCorrelation pc;
  pc.update_state(y, p);
  EXPECT_NEAR(pc.result(), (p0 + p1) / 2, 1e-6);
  pc.reset_state();
  pc.update_state(y, p, Tensor::from_vector<float>({3, 1}));
  EXPECT_NEAR(pc.result(), (3 * p0 + p1) / 4, 1e-6);
  PearsonCorrelation perfect;
  perfect.update_state(m({1, 2, 3}, 1, 3), m({10, 20, 30}, 1, 3));
  EXPECT_NEAR(perfect.result(), 1.0, 1e-6);

  const double c0 = concordance({1, 2, 3}, {2, 4, 7}), c1 = concordance({1, 0, 1}, {0, 1, 0.5});
  ConcordanceCorrelation cc;
  cc.update_state(y, p);
  EXPECT_NEAR(cc.result(), (c0 + c1) / 2, 1e-6);
  cc.update_state(m({1, 2, 3}, 1, 3), m({1, 2, 3}, 1, 3));  // a second batch
  EXPECT_NEAR(cc.result(), (c0 + c1 + concordance({1, 2, 3}, {1, 2, 3})) / 3, 1e-6);
  testing::expect_error<ValueError>([&] { PearsonCorrelation("p", "", 0).update_state(y, p); }, {"axis"});
}

}  // namespace
}  // namespace keras::metrics
