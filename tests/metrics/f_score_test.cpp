// F-scores worked by hand from keras/src/metrics/f_score_metrics.py (Keras's docstring data):
// precision = tp / (tp + fp + eps), recall = tp / (tp + fn + eps),
// f = (1 + b^2) p r / (b^2 p + r + eps).
#include "keras/metrics/f_score.h"

#include "test_utils.h"

namespace keras::metrics {
namespace {

Tensor v(std::vector<float> x) { return Tensor::from_vector<float>(x); }
Tensor m(std::vector<float> x, int64_t rows, int64_t cols) { return Tensor::from_vector<float>(x, {rows, cols}); }

const Tensor kTrue = m({1, 1, 1, 1, 0, 0, 1, 1, 0}, 3, 3);
const Tensor kPred = m({0.2f, 0.6f, 0.7f, 0.2f, 0.6f, 0.6f, 0.6f, 0.8f, 0.0f}, 3, 3);

// With threshold 0.5: class 0 tp 1 fn 2 (p 1, r 1/3); class 1 tp 2 fp 1 (p 2/3, r 1);
// class 2 tp 1 fp 1 (p 1/2, r 1).
TEST(FScoreMetrics, F1PerClassAndAverages) {
  F1Score per_class({.threshold = 0.5});
  per_class.update_state(kTrue, kPred);
  testing::expect_allclose(per_class.result_tensor(), v({0.5f, 0.8f, 2.0f / 3.0f}), 1e-6, 0);
  testing::expect_error<ValueError>([&] { (void)per_class.result(); }, {"F1Score", "result_tensor"});
  F1Score macro({.average = "macro", .threshold = 0.5});
  macro.update_state(kTrue, kPred);
  EXPECT_NEAR(macro.result(), (0.5 + 0.8 + 2.0 / 3.0) / 3, 1e-6);
  F1Score micro({.average = "micro", .threshold = 0.5});  // tp 4, fp 2, fn 2
  micro.update_state(kTrue, kPred);
  EXPECT_NEAR(micro.result(), 2.0 / 3.0, 1e-6);
  EXPECT_EQ(micro.variables().size(), 4u);
  F1Score weighted({.average = "weighted", .threshold = 0.5});  // label counts [3, 2, 1]
  weighted.update_state(kTrue, kPred);
  EXPECT_NEAR(weighted.result(), (0.5 * 3 + 0.8 * 2 + 2.0 / 3.0 * 1) / 6, 1e-6);
  // Two batches equal one.
  F1Score split({.average = "macro", .threshold = 0.5});
  split.update_state(kTrue.slice(0, 2), kPred.slice(0, 2));
  split.update_state(kTrue.slice(2, 3), kPred.slice(2, 3));
  EXPECT_NEAR(split.result(), macro.result(), 1e-9);
  // Sample weights per row: row 2 weighted 0 leaves class 0 tp 0 (f 0), class 1 tp 1
  // fp 1 (p 1/2, r 1), class 2 tp 1 fp 1 (2/3).
  F1Score sw({.threshold = 0.5});
  sw.update_state(kTrue, kPred, v({1, 1, 0}));
  testing::expect_allclose(sw.result_tensor(), v({0.0f, 2.0f / 3.0f, 2.0f / 3.0f}), 1e-6, 0);
}

TEST(FScoreMetrics, NoThresholdPicksEachRowsMax) {
  // Row maxima: row 0 class 2; row 1 classes 1 and 2 (tied); row 2 class 1.
  // class 0: tp 0 -> 0; class 1: tp 1 fp 1 fn 1 -> 1/2; class 2: tp 1 fp 1 -> 2/3.
  F1Score f;
  f.update_state(kTrue, kPred);
  testing::expect_allclose(f.result_tensor(), v({0.0f, 0.5f, 2.0f / 3.0f}), 1e-6, 0);
  // All-zero predictions are never positive (|y_pred| > 1e-9).
  F1Score zeros({.average = "macro"});
  zeros.update_state(m({1, 0}, 1, 2), m({0, 0}, 1, 2));
  EXPECT_EQ(zeros.result(), 0.0);
}

TEST(FScoreMetrics, FBeta) {
  // beta 2: 5 p r / (4 p + r): class 0 5/13, class 1 10/11, class 2 5/6.
  FBetaScore f2({.average = "macro", .beta = 2.0, .threshold = 0.5});
  f2.update_state(kTrue, kPred);
  EXPECT_NEAR(f2.result(), (5.0 / 13.0 + 10.0 / 11.0 + 5.0 / 6.0) / 3, 1e-6);
  EXPECT_EQ(f2.name(), "fbeta_score");
  testing::expect_error<ValueError>([] { FBetaScore({.beta = 0.0}); }, {"beta"});
  testing::expect_error<ValueError>([] { FBetaScore({.average = "median"}); }, {"average", "median"});
  testing::expect_error<ValueError>([] { F1Score({.threshold = 1.5}); }, {"threshold"});
  testing::expect_error<ValueError>([] { F1Score().update_state(v({1, 0}), v({1, 0})); }, {"F1Score", "2D"});
}

}  // namespace
}  // namespace keras::metrics
