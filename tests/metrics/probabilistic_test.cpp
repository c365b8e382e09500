// Probabilistic metrics against Keras's docstring values and the formulas of
// keras/src/losses/losses.py (kl_divergence, poisson, the crossentropies).
#include "keras/metrics/probabilistic.h"

#include <cmath>

#include "test_utils.h"

namespace keras::metrics {
namespace {

Tensor v(std::vector<float> x) { return Tensor::from_vector<float>(x); }
Tensor m(std::vector<float> x, int64_t rows, int64_t cols) { return Tensor::from_vector<float>(x, {rows, cols}); }

const Tensor kTrue = m({0, 1, 0, 0}, 2, 2);

TEST(ProbabilisticMetrics, KLDivergenceAndPoisson) {
  // sum(t * log(t / p)) with t, p clipped to [1e-7, 1].
  auto kld_row = [](std::vector<double> t, std::vector<double> p) {
    double s = 0;
    for (size_t i = 0; i < t.size(); ++i) {
      const double a = std::clamp(t[i], 1e-7, 1.0), b = std::clamp(p[i], 1e-7, 1.0);
      s += a * std::log(a / b);
    }
    return s;
  };
  const double r0 = kld_row({0, 1}, {0.6, 0.4}), r1 = kld_row({0, 0}, {0.4, 0.6});
  KLDivergence kld;
  kld.update_state(kTrue, m({0.6f, 0.4f, 0.4f, 0.6f}, 2, 2));
  EXPECT_NEAR(kld.result(), (r0 + r1) / 2, 1e-7);
  EXPECT_NEAR(kld.result(), 0.45814306, 1e-6);  // Keras's docstring
  kld.reset_state();
  kld.update_state(kTrue, m({0.6f, 0.4f, 0.4f, 0.6f}, 2, 2), v({1, 0}));
  EXPECT_NEAR(kld.result(), r0, 1e-7);

  Poisson poisson;  // mean(p - t * log(p + 1e-7))
  poisson.update_state(kTrue, m({1, 1, 0, 0}, 2, 2));
  EXPECT_NEAR(poisson.result(), ((1 + 1 - std::log(1 + 1e-7)) / 2 + 0) / 2, 1e-7);
  poisson.reset_state();
  poisson.update_state(kTrue, m({1, 1, 0, 0}, 2, 2), v({1, 0}));
  EXPECT_NEAR(poisson.result(), 0.99999994, 1e-6);
}

TEST(ProbabilisticMetrics, Crossentropies) {
  BinaryCrossentropy bce;
  bce.update_state(kTrue, m({0.6f, 0.4f, 0.4f, 0.6f}, 2, 2));
  EXPECT_NEAR(bce.result(), 0.81492424, 1e-5);  // Keras's docstring
  bce.reset_state();
  bce.update_state(kTrue, m({0.6f, 0.4f, 0.4f, 0.6f}, 2, 2), v({1, 0}));
  EXPECT_NEAR(bce.result(), 0.9162905, 1e-5);  // -(log 0.4 + log 0.4) / 2
  BinaryCrossentropy logits({.from_logits = true});
  logits.update_state(m({1}, 1, 1), m({0}, 1, 1));
  EXPECT_NEAR(logits.result(), std::log(2.0), 1e-6);

  const Tensor onehot = m({0, 1, 0, 0, 0, 1}, 2, 3), probs = m({0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f}, 2, 3);
  CategoricalCrossentropy cce;
  cce.update_state(onehot, probs);
  EXPECT_NEAR(cce.result(), (-std::log(0.95) - std::log(0.1)) / 2, 1e-5);  // 1.1769392
  cce.reset_state();
  cce.update_state(onehot, probs, v({0.3f, 0.7f}));
  EXPECT_NEAR(cce.result(), 1.6271976, 1e-5);
  SparseCategoricalCrossentropy scce;
  scce.update_state(v({1, 2}), probs);
  EXPECT_NEAR(scce.result(), 1.1769392, 1e-5);
  scce.update_state(v({1}), m({0.05f, 0.95f, 0}, 1, 3));  // a second batch
  EXPECT_NEAR(scce.result(), (2 * 1.1769392 - std::log(0.95)) / 3, 1e-5);
  EXPECT_EQ(scce.name(), "sparse_categorical_crossentropy");
}

}  // namespace
}  // namespace keras::metrics
