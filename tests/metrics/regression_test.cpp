// Regression metrics against Keras's docstring values and hand-worked cases
// (keras/src/metrics/regression_metrics.py; per-sample formulas from keras/src/losses/losses.py).
#include "keras/metrics/regression.h"

#include <cmath>

#include "test_utils.h"

namespace keras::metrics {
namespace {

Tensor v(std::vector<float> x) { return Tensor::from_vector<float>(x); }
Tensor m(std::vector<float> x, int64_t rows, int64_t cols) { return Tensor::from_vector<float>(x, {rows, cols}); }

const Tensor kTrue = m({0, 1, 0, 0}, 2, 2), kPred = m({1, 1, 0, 0}, 2, 2);

TEST(RegressionMetrics, AsKerasDocuments) {
  MeanAbsolutePercentageError mape;  // 100 * |0 - 1| / 1e-7 / 2 for row 0, 0 for row 1
  mape.update_state(kTrue, kPred);
  EXPECT_NEAR(mape.result(), 2.5e8, 2.5e8 * 1e-6);
  mape.reset_state();
  mape.update_state(kTrue, kPred, v({1, 0}));
  EXPECT_NEAR(mape.result(), 5e8, 5e8 * 1e-6);

  MeanSquaredLogarithmicError msle;  // (log 2 - log(1 + 1e-7))^2 / 2 / 2
  msle.update_state(kTrue, kPred);
  const double d = std::log(2.0) - std::log(1.0 + 1e-7);
  EXPECT_NEAR(msle.result(), d * d / 4, 1e-7);
  msle.reset_state();
  msle.update_state(kTrue, kPred, v({1, 0}));
  EXPECT_NEAR(msle.result(), d * d / 2, 1e-7);

  RootMeanSquaredError rmse;  // sqrt(mean of squared errors over all elements)
  rmse.update_state(kTrue, kPred);
  EXPECT_NEAR(rmse.result(), 0.5, 1e-7);
  rmse.reset_state();
  rmse.update_state(kTrue, kPred, v({1, 0}));
  EXPECT_NEAR(rmse.result(), std::sqrt(0.5), 1e-7);
  rmse.reset_state();
  rmse.update_state(v({2}), v({5}));  // two batches: sqrt((9 + 1) / 2)
  rmse.update_state(v({1}), v({2}));
  EXPECT_NEAR(rmse.result(), std::sqrt(5.0), 1e-7);

  LogCoshError lc;  // log(cosh(1)) / 2 / 2
  lc.update_state(kTrue, kPred);
  EXPECT_NEAR(lc.result(), std::log(std::cosh(1.0)) / 4, 1e-7);
  lc.reset_state();
  lc.update_state(kTrue, kPred, v({1, 0}));
  EXPECT_NEAR(lc.result(), std::log(std::cosh(1.0)) / 2, 1e-7);
  EXPECT_EQ(lc.name(), "logcosh");

  CosineSimilarity cs;  // rows: cos 90 deg = 0, cos 0 = 1
  cs.update_state(m({0, 1, 1, 1}, 2, 2), m({1, 0, 1, 1}, 2, 2));
  EXPECT_NEAR(cs.result(), 0.5, 1e-7);
  cs.reset_state();
  cs.update_state(m({0, 1, 1, 1}, 2, 2), m({1, 0, 1, 1}, 2, 2), v({0.3f, 0.7f}));
  EXPECT_NEAR(cs.result(), 0.7, 1e-7);
  CosineSimilarity zero;  // a zero vector normalizes to zero (norm clamped at 1e-7)
  zero.update_state(m({0, 0}, 1, 2), m({1, 0}, 1, 2));
  EXPECT_EQ(zero.result(), 0.0);
}

TEST(RegressionMetrics, R2Score) {
  // Keras's docstring: y = [1, 4, 3], p = [2, 4, 4]: mean 8/3, total 26 - 64/3, residual 2.
  const double expected = 1.0 - 2.0 / (26.0 - 64.0 / 3.0);
  R2Score r2;
  r2.update_state(m({1, 4}, 2, 1), m({2, 4}, 2, 1));  // in two batches
  r2.update_state(m({3}, 1, 1), m({4}, 1, 1));
  EXPECT_NEAR(r2.result(), expected, 1e-7);
  EXPECT_NEAR(r2.result(), 0.57142854, 1e-6);
  // Weights [1, 2, 0]: sum 9, squares 33, count 3: total 33 - 27 = 6, residual 1.
  R2Score w;
  w.update_state(m({1, 4, 3}, 3, 1), m({2, 4, 4}, 3, 1), v({1, 2, 0}));
  EXPECT_NEAR(w.result(), 1.0 - 1.0 / 6.0, 1e-7);
  // Adjusted with one regressor and 3 samples: 1 - (1 - r2) * 2 / 1.
  R2Score adj({.num_regressors = 1});
  adj.update_state(m({1, 4, 3}, 3, 1), m({2, 4, 4}, 3, 1));
  EXPECT_NEAR(adj.result(), 1.0 - (1.0 - expected) * 2.0, 1e-7);
  // Two outputs: column 1 predicted exactly (r2 = 1). Uniform: mean; variance weighted:
  // by total sums of squares (column 0: 14/3, column 1: y = [0, 2, 4] -> 8).
  const Tensor y2 = m({1, 0, 4, 2, 3, 4}, 3, 2), p2 = m({2, 0, 4, 2, 4, 4}, 3, 2);
  R2Score uni;
  uni.update_state(y2, p2);
  EXPECT_NEAR(uni.result(), (expected + 1.0) / 2, 1e-7);
  R2Score var({.class_aggregation = "variance_weighted_average"});
  var.update_state(y2, p2);
  EXPECT_NEAR(var.result(), (14.0 / 3.0 * expected + 8.0 * 1.0) / (14.0 / 3.0 + 8.0), 1e-7);
  R2Score none({.class_aggregation = std::nullopt});
  none.update_state(y2, p2);
  testing::expect_allclose(none.result_tensor(), v({static_cast<float>(expected), 1.0f}), 1e-6, 0);
  testing::expect_error<ValueError>([&] { (void)none.result(); }, {"R2Score", "result_tensor"});
  // A constant target: total 0, residual > 0 -> -inf -> 0, as Keras's where(isinf) gives.
  R2Score flat;
  flat.update_state(m({2, 2}, 2, 1), m({1, 3}, 2, 1));
  EXPECT_EQ(flat.result(), 0.0);
  testing::expect_error<ValueError>(
      [] {
        R2Score().update_state(v({1, 2}), Tensor::from_vector<float>({1, 2}, {1, 1, 2}));
      },
      {"R2Score", "2D"});
  testing::expect_error<ValueError>([] { R2Score({.class_aggregation = "median"}); }, {"class_aggregation", "median"});
}

}  // namespace
}  // namespace keras::metrics
