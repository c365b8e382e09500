// Accuracy metrics against Keras's docstring values and hand-worked cases
// (keras/src/metrics/accuracy_metrics.py).
#include "keras/metrics/accuracy.h"

#include "test_utils.h"

namespace keras::metrics {
namespace {

Tensor v(std::vector<float> x) { return Tensor::from_vector<float>(x); }
Tensor m(std::vector<float> x, int64_t rows, int64_t cols) { return Tensor::from_vector<float>(x, {rows, cols}); }

const Tensor kOneHot = m({0, 0, 1, 0, 1, 0}, 2, 3);
const Tensor kPred = m({0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0}, 2, 3);

TEST(AccuracyMetrics, AsKerasDocuments) {
  Accuracy acc;
  acc.update_state(m({1, 2, 3, 4}, 4, 1), m({0, 2, 3, 4}, 4, 1));
  EXPECT_DOUBLE_EQ(acc.result(), 0.75);
  acc.reset_state();
  acc.update_state(m({1, 2, 3, 4}, 4, 1), m({0, 2, 3, 4}, 4, 1), v({1, 1, 0, 0}));
  EXPECT_DOUBLE_EQ(acc.result(), 0.5);

  BinaryAccuracy bin;
  bin.update_state(m({1, 1, 0, 0}, 4, 1), m({0.98f, 1, 0, 0.6f}, 4, 1));
  EXPECT_DOUBLE_EQ(bin.result(), 0.75);
  bin.reset_state();
  bin.update_state(m({1, 1, 0, 0}, 4, 1), m({0.98f, 1, 0, 0.6f}, 4, 1), v({1, 0, 0, 1}));
  EXPECT_DOUBLE_EQ(bin.result(), 0.5);
  BinaryAccuracy boundary("b", 0.5);  // 0.5 is not above 0.5
  boundary.update_state(v({1, 0}), v({0.5f, 0.5f}));
  EXPECT_DOUBLE_EQ(boundary.result(), 0.5);

  CategoricalAccuracy cat;
  cat.update_state(kOneHot, kPred);
  EXPECT_DOUBLE_EQ(cat.result(), 0.5);
  cat.reset_state();
  cat.update_state(kOneHot, kPred, v({0.7f, 0.3f}));
  EXPECT_NEAR(cat.result(), 0.3, 1e-7);

  SparseCategoricalAccuracy sparse;
  sparse.update_state(m({2, 1}, 2, 1), kPred);
  EXPECT_DOUBLE_EQ(sparse.result(), 0.5);
  sparse.reset_state();
  sparse.update_state(m({2, 1}, 2, 1), kPred, v({0.7f, 0.3f}));
  EXPECT_NEAR(sparse.result(), 0.3, 1e-7);
}

TEST(AccuracyMetrics, TopK) {
  TopKCategoricalAccuracy top1(1);
  top1.update_state(kOneHot, kPred);
  EXPECT_DOUBLE_EQ(top1.result(), 0.5);
  top1.reset_state();
  top1.update_state(kOneHot, kPred, v({0.7f, 0.3f}));
  EXPECT_NEAR(top1.result(), 0.3, 1e-7);
  TopKCategoricalAccuracy top2(2);  // row 0's label (0.8) is second
  top2.update_state(kOneHot, kPred);
  EXPECT_DOUBLE_EQ(top2.result(), 1.0);
  // A tie with the k-th value counts as in (in_top_k: target >= k-th largest).
  TopKCategoricalAccuracy tie(1);
  tie.update_state(m({0, 1, 0}, 1, 3), m({0.5f, 0.5f, 0}, 1, 3));
  EXPECT_DOUBLE_EQ(tie.result(), 1.0);
  EXPECT_EQ(TopKCategoricalAccuracy().name(), "top_k_categorical_accuracy");

  SparseTopKCategoricalAccuracy s1(1);
  s1.update_state(v({2, 1}), kPred);
  EXPECT_DOUBLE_EQ(s1.result(), 0.5);
  s1.reset_state();
  s1.update_state(v({2, 1}), kPred, v({0.7f, 0.3f}));
  EXPECT_NEAR(s1.result(), 0.3, 1e-7);
  // from_sorted_ids: y_pred holds ids, best first; the label must be among the first k.
  SparseTopKCategoricalAccuracy sorted(2, "sorted", "", true);
  sorted.update_state(v({2, 1}), m({1, 2, 0, 0, 2, 1}, 2, 3));
  EXPECT_DOUBLE_EQ(sorted.result(), 0.5);
  // Sequences: (batch, steps) labels with (batch, steps, classes) scores.
  SparseTopKCategoricalAccuracy seq(1);
  seq.update_state(m({0, 1, 1, 1}, 2, 2),
                   Tensor::from_vector<float>({0.9f, 0.1f, 0.2f, 0.8f, 0.6f, 0.4f, 0.3f, 0.7f}, {2, 2, 2}));
  EXPECT_DOUBLE_EQ(seq.result(), 0.75);
  testing::expect_error<ValueError>([] { TopKCategoricalAccuracy(0); }, {"k"});
  testing::expect_error<ValueError>([&] { TopKCategoricalAccuracy().update_state(v({1, 0}), kPred); }, {"shape"});
}

}  // namespace
}  // namespace keras::metrics
