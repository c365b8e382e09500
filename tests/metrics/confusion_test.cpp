// Confusion-matrix metrics against values worked by hand from
// keras/src/metrics/confusion_metrics.py and metrics_utils.update_confusion_matrix_variables
// (a prediction is positive when y_pred > threshold; Keras's docstring examples included).
#include "keras/metrics/confusion.h"

#include <cmath>

#include "test_utils.h"

namespace keras::metrics {
namespace {

Tensor v(std::vector<float> x) { return Tensor::from_vector<float>(x); }
Tensor m(std::vector<float> x, int64_t rows, int64_t cols) { return Tensor::from_vector<float>(x, {rows, cols}); }

TEST(ConfusionMetrics, CountsAsKerasDocuments) {
  TruePositives tp;
  tp.update_state(v({0, 1, 1, 1}), v({1, 0, 1, 1}));
  EXPECT_DOUBLE_EQ(tp.result(), 2.0);
  tp.reset_state();
  tp.update_state(v({0, 1, 1, 1}), v({1, 0, 1, 1}), v({0, 0, 1, 0}));
  EXPECT_DOUBLE_EQ(tp.result(), 1.0);

  FalsePositives fp;
  fp.update_state(v({0, 1, 0, 0}), v({0, 0, 1, 1}));
  EXPECT_DOUBLE_EQ(fp.result(), 2.0);
  fp.reset_state();
  fp.update_state(v({0, 1, 0, 0}), v({0, 0, 1, 1}), v({0, 0, 1, 0}));
  EXPECT_DOUBLE_EQ(fp.result(), 1.0);

  TrueNegatives tn;
  tn.update_state(v({0, 1, 0, 0}), v({1, 1, 0, 0}));
  EXPECT_DOUBLE_EQ(tn.result(), 2.0);
  tn.reset_state();
  tn.update_state(v({0, 1, 0, 0}), v({1, 1, 0, 0}), v({0, 0, 1, 0}));
  EXPECT_DOUBLE_EQ(tn.result(), 1.0);

  FalseNegatives fn;
  fn.update_state(v({0, 1, 1, 1}), v({0, 1, 0, 0}));
  EXPECT_DOUBLE_EQ(fn.result(), 2.0);
  fn.update_state(v({1}), v({0.2f}));  // a second batch adds
  EXPECT_DOUBLE_EQ(fn.result(), 3.0);
}

TEST(ConfusionMetrics, ThresholdsListAndBoundary) {
  // Evenly spaced thresholds {0, 0.5, 1} take Keras's bucketed path; 0.5 at threshold 0.5
  // and 1.0 at threshold 1 are not positive (strictly greater).
  TruePositives tp({.thresholds = {0.0, 0.5, 1.0}});
  tp.update_state(v({1, 1, 0, 1}), v({0.0f, 0.5f, 0.7f, 1.0f}));
  testing::expect_allclose(tp.result_tensor(), v({2, 1, 0}), 0, 0);
  testing::expect_error<ValueError>([&] { (void)tp.result(); }, {"TruePositives", "result_tensor"});
  // Uneven thresholds: compared one by one.
  FalsePositives fp({.thresholds = {0.25, 0.6}});
  fp.update_state(v({0, 0, 1, 0}), v({0.25f, 0.3f, 0.9f, 0.6f}));
  testing::expect_allclose(fp.result_tensor(), v({2, 0}), 0, 0);  // 0.3 and 0.6 > 0.25; none > 0.6
  testing::expect_error<ValueError>([] { TruePositives({.thresholds = 1.5}); }, {"[0, 1]"});
}

TEST(ConfusionMetrics, PrecisionAndRecall) {
  Precision p;
  p.update_state(v({0, 1, 1, 1}), v({1, 0, 1, 1}));
  EXPECT_NEAR(p.result(), 2.0 / 3.0, 1e-9);
  p.reset_state();
  p.update_state(v({0, 1, 1, 1}), v({1, 0, 1, 1}), v({0, 0, 1, 0}));
  EXPECT_DOUBLE_EQ(p.result(), 1.0);
  // Two batches: tp 1, fp 1, then tp 2 more: 3 / 4.
  p.reset_state();
  p.update_state(v({1, 0, 1}), v({0.6f, 0.7f, 0.2f}));
  EXPECT_DOUBLE_EQ(p.result(), 0.5);
  p.update_state(v({1, 1}), v({0.9f, 0.8f}));
  EXPECT_DOUBLE_EQ(p.result(), 0.75);
  // Nothing predicted positive (0.5 is not above 0.5): 0, as divide_no_nan gives.
  Precision none;
  none.update_state(v({1, 0}), v({0.5f, 0.1f}));
  EXPECT_EQ(none.result(), 0.0);

  Recall r;
  r.update_state(v({0, 1, 1, 1}), v({1, 0, 1, 1}));
  EXPECT_NEAR(r.result(), 2.0 / 3.0, 1e-9);
  r.reset_state();
  r.update_state(v({0, 1, 1, 1}), v({1, 0, 1, 1}), v({0, 0, 1, 0}));
  EXPECT_DOUBLE_EQ(r.result(), 1.0);
  Recall no_positives;
  no_positives.update_state(v({0, 0}), v({0.9f, 0.1f}));
  EXPECT_EQ(no_positives.result(), 0.0);
  // A list of thresholds gives one value each.
  Precision two({.thresholds = {0.3, 0.7}});
  two.update_state(v({1, 0, 1, 0}), v({0.5f, 0.4f, 0.8f, 0.6f}));
  testing::expect_allclose(two.result_tensor(), v({0.5f, 1.0f}), 1e-7, 0);
}

TEST(ConfusionMetrics, TopKAndClassId) {
  // Keras's docstring: with top_k=2 only the first two (ties keep order) count: 0 / 2.
  Precision top2({.top_k = 2});
  top2.update_state(v({0, 0, 1, 1}), v({1, 1, 1, 1}));
  EXPECT_EQ(top2.result(), 0.0);
  Precision top4({.top_k = 4});
  top4.update_state(v({0, 0, 1, 1}), v({1, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(top4.result(), 0.5);
  // class_id picks one column of (batch, classes): column 1 has predictions 0.6 (label 1),
  // 0.7 (label 0), 0.2 (label 1): precision 1/2, recall 1/2.
  const Tensor y = m({0, 1, 1, 0, 0, 0, 0, 1, 0}, 3, 3),
               p = m({0.1f, 0.6f, 0.3f, 0.2f, 0.7f, 0.1f, 0.9f, 0.2f, 0.6f}, 3, 3);
  Precision pc({.class_id = 1});
  pc.update_state(y, p);
  EXPECT_DOUBLE_EQ(pc.result(), 0.5);
  Recall rc({.class_id = 1});
  rc.update_state(y, p);
  EXPECT_DOUBLE_EQ(rc.result(), 0.5);
  // top_k=1 with class_id: column 1 counts only where it is the row's best (rows 0 and 1).
  Recall rk({.top_k = 1, .class_id = 1});
  rk.update_state(y, p);
  EXPECT_DOUBLE_EQ(rk.result(), 0.5);
  testing::expect_error<ValueError>(
      [&] {
        Precision({.class_id = 1}).update_state(v({1, 0}), v({0.2f, 0.9f}));
      },
      {"class_id", "2D"});
  testing::expect_error<ValueError>([&] { Precision({.class_id = 5}).update_state(y, p); }, {"class_id=5"});
}

// AUC(num_thresholds=3) on Keras's docstring data: thresholds [-eps, 0.5, 1 + eps],
// tp = [2, 1, 0], fp = [2, 0, 0], fn = [0, 1, 2], tn = [0, 2, 2].
TEST(ConfusionMetrics, AUCRocAndPr) {
  const Tensor y = v({0, 0, 1, 1}), p = v({0, 0.5f, 0.3f, 0.9f});
  AUC roc({.num_thresholds = 3});
  roc.update_state(y, p);
  EXPECT_NEAR(roc.result(), 0.75, 1e-7);  // (1 - 0) * (1 + 0.5) / 2 + 0
  roc.reset_state();
  roc.update_state(y, p, v({1, 0, 0, 1}));
  EXPECT_NEAR(roc.result(), 1.0, 1e-7);
  // Two batches are one: the counts add.
  roc.reset_state();
  roc.update_state(v({0, 0}), v({0, 0.5f}));
  roc.update_state(v({1, 1}), v({0.3f, 0.9f}));
  EXPECT_NEAR(roc.result(), 0.75, 1e-7);

  // PR, interpolated (Davis & Goadrich as Keras's interpolate_pr_auc): p = tp + fp = [4, 1, 0];
  // segment 0: slope 1/3, intercept 2/3, (1/3)(1 + (2/3) ln 4) / 2; segment 1: slope 1, 1 / 2.
  AUC pr({.num_thresholds = 3, .curve = "PR"});
  pr.update_state(y, p);
  EXPECT_NEAR(pr.result(), (1.0 / 3.0) * (1.0 + (2.0 / 3.0) * std::log(4.0)) / 2.0 + 0.5, 1e-7);
  // PR with majoring / minoring: recall x = [1, .5, 0], precision y = [.5, 1, 0].
  AUC major({.num_thresholds = 3, .curve = "PR", .summation_method = "majoring"});
  major.update_state(y, p);
  EXPECT_NEAR(major.result(), 0.5 * 1.0 + 0.5 * 1.0, 1e-7);
  AUC minor({.num_thresholds = 3, .curve = "PR", .summation_method = "minoring"});
  minor.update_state(y, p);
  EXPECT_NEAR(minor.result(), 0.5 * 0.5 + 0.5 * 0.0, 1e-7);
  // PRGAIN: scaling (tp + fn) / (tn + fp) = 1; recall gain [1, 0, 0] (tp = 0 -> 0),
  // precision gain [0, 1, 1] (tp = 0 -> 1): (1 - 0)(0 + 1) / 2 + 0 = 0.5.
  AUC gain({.num_thresholds = 3, .curve = "PRGAIN"});
  gain.update_state(y, p);
  EXPECT_NEAR(gain.result(), 0.5, 1e-7);
  // No positive labels at all: recall 0 everywhere, AUC 0.
  AUC empty;
  empty.update_state(v({0, 0}), v({0.3f, 0.8f}));
  EXPECT_EQ(empty.result(), 0.0);
  EXPECT_EQ(AUC().result(), 0.0);
}

TEST(ConfusionMetrics, AUCOptions) {
  const Tensor y = v({0, 0, 1, 1}), p = v({0, 0.5f, 0.3f, 0.9f});
  // Logits through a sigmoid give the same curve (sigmoid(0) = 0.5 sits on the threshold).
  AUC logits({.num_thresholds = 3, .from_logits = true});
  logits.update_state(y, v({-20.0f, 0.0f, static_cast<float>(std::log(0.3 / 0.7)), static_cast<float>(std::log(9.0))}));
  EXPECT_NEAR(logits.result(), 0.75, 1e-7);
  // Given thresholds: {0.5} is [0, .5, 1], evenly spaced, the same as num_thresholds=3.
  AUC given({.thresholds = std::vector<double>{0.5}});
  given.update_state(y, p);
  EXPECT_NEAR(given.result(), 0.75, 1e-7);
  EXPECT_EQ(given.thresholds().size(), 3u);
  // {0.4}: at 0.4, 0.5 (negative) and 0.9 (positive) are positive: recall [1, .5, 0],
  // fpr [1, .5, 0]: (.5)(1.5)/2 + (.5)(.5)/2 = 0.5.
  AUC uneven({.thresholds = std::vector<double>{0.4}});
  uneven.update_state(y, p);
  EXPECT_NEAR(uneven.result(), 0.5, 1e-7);
  // multi_label: one curve per column, averaged (or weighted by label_weights). Column 0 is
  // the data above (0.75); column 1 separates perfectly (1.0).
  const Tensor y2 = m({0, 0, 0, 0, 1, 1, 1, 1}, 4, 2), p2 = m({0, 0.1f, 0.5f, 0.2f, 0.3f, 0.8f, 0.9f, 0.9f}, 4, 2);
  AUC multi({.num_thresholds = 3, .multi_label = true});
  EXPECT_TRUE(multi.variables().empty());  // built on the first batch
  multi.update_state(y2, p2);
  EXPECT_EQ(multi.variables().size(), 4u * 3u * 2u);
  EXPECT_NEAR(multi.result(), (0.75 + 1.0) / 2, 1e-7);
  AUC weighted({.num_thresholds = 3, .multi_label = true, .num_labels = 2, .label_weights = std::vector<double>{1, 3}});
  weighted.update_state(y2, p2);
  EXPECT_NEAR(weighted.result(), (0.75 * 1 + 1.0 * 3) / 4, 1e-7);
  // Without multi_label the columns pool into one curve.
  AUC pooled({.num_thresholds = 3});
  pooled.update_state(y2, p2);
  EXPECT_GT(pooled.result(), 0.75);
  testing::expect_error<ValueError>([] { AUC({.num_thresholds = 1}); }, {"num_thresholds"});
  testing::expect_error<ValueError>([] { AUC({.curve = "XY"}); }, {"curve", "XY"});
  testing::expect_error<ValueError>([] { AUC({.summation_method = "trapezoid"}); }, {"summation", "trapezoid"});
  testing::expect_error<ValueError>([] { AUC({.num_labels = 3}); }, {"multi_label"});
  testing::expect_error<ValueError>([&] { AUC({.multi_label = true}).update_state(y, p); }, {"rank 2"});
}

// Keras's docstring values, and the boundary (the constraint met exactly: >=).
TEST(ConfusionMetrics, AtMetrics) {
  const Tensor y = v({0, 0, 0, 1, 1}), p = v({0, 0.3f, 0.8f, 0.3f, 0.8f});
  SensitivityAtSpecificity sens(0.5);
  sens.update_state(y, p);
  EXPECT_NEAR(sens.result(), 0.5, 1e-7);
  sens.reset_state();
  sens.update_state(y, p, v({1, 1, 2, 2, 1}));  // specificity exactly 2/4 at 0.3 <= t < 0.8
  EXPECT_NEAR(sens.result(), 1.0 / 3.0, 1e-7);

  SpecificityAtSensitivity spec(0.5);
  spec.update_state(y, p);
  EXPECT_NEAR(spec.result(), 2.0 / 3.0, 1e-7);
  spec.reset_state();
  spec.update_state(y, p, v({1, 1, 2, 2, 2}));
  EXPECT_NEAR(spec.result(), 0.5, 1e-7);

  PrecisionAtRecall par(0.5);
  par.update_state(y, p);
  EXPECT_NEAR(par.result(), 0.5, 1e-7);
  par.reset_state();
  par.update_state(y, p, v({2, 2, 2, 1, 1}));
  EXPECT_NEAR(par.result(), 1.0 / 3.0, 1e-7);

  RecallAtPrecision rap(0.8);
  rap.update_state(v({0, 0, 1, 1}), v({0, 0.5f, 0.3f, 0.9f}));
  EXPECT_NEAR(rap.result(), 0.5, 1e-7);
  rap.reset_state();
  rap.update_state(v({0, 0, 1, 1}), v({0, 0.5f, 0.3f, 0.9f}), v({1, 0, 0, 1}));
  EXPECT_NEAR(rap.result(), 1.0, 1e-7);
  // Nothing meets the constraint: 0.
  RecallAtPrecision never(1.0);
  never.update_state(v({0, 1}), v({0.9f, 0.1f}));
  EXPECT_EQ(never.result(), 0.0);
  // num_thresholds=1: the single threshold 0.5.
  SensitivityAtSpecificity one(0.0, {.num_thresholds = 1});
  one.update_state(v({1, 1, 0}), v({0.6f, 0.4f, 0.2f}));
  EXPECT_NEAR(one.result(), 0.5, 1e-7);
  testing::expect_error<ValueError>([] { PrecisionAtRecall(1.5); }, {"recall", "[0, 1]"});
  testing::expect_error<ValueError>([] { SensitivityAtSpecificity(0.5, {.num_thresholds = 0}); }, {"num_thresholds"});
}

TEST(ConfusionMetrics, SampleWeightsBroadcastPerSample) {
  // (batch, classes) predictions with (batch,) weights: each weight covers its row.
  const Tensor y = m({1, 0, 0, 1}, 2, 2), p = m({0.9f, 0.8f, 0.2f, 0.7f}, 2, 2);
  TruePositives tp;
  tp.update_state(y, p, v({2, 5}));
  EXPECT_DOUBLE_EQ(tp.result(), 2 + 5);
  FalsePositives fp;
  fp.update_state(y, p, v({2, 5}));
  EXPECT_DOUBLE_EQ(fp.result(), 2);
  // Zero weights remove samples exactly.
  Precision p0;
  p0.update_state(v({1, 0, 0}), v({0.9f, 0.9f, 0.9f}), v({1, 0, 0}));
  EXPECT_DOUBLE_EQ(p0.result(), 1.0);
}

}  // namespace
}  // namespace keras::metrics
