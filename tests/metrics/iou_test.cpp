// IoU metrics worked by hand from keras/src/metrics/iou_metrics.py: a confusion matrix
// (rows: true class, columns: predicted), IoU = tp / (tp + fp + fn) per class (plus 1e-7
// in the denominator), averaged over target classes whose denominator is not zero.
#include "keras/metrics/iou.h"

#include "test_utils.h"

namespace keras::metrics {
namespace {

Tensor v(std::vector<float> x) { return Tensor::from_vector<float>(x); }
Tensor m(std::vector<float> x, int64_t rows, int64_t cols) { return Tensor::from_vector<float>(x, {rows, cols}); }

TEST(IoUMetrics, MeanIoUAndIoU) {
  MeanIoU two(2);  // Keras's docstring: cm [[1, 1], [1, 1]]: 1/3 each
  two.update_state(v({0, 0, 1, 1}), v({0, 1, 0, 1}));
  EXPECT_NEAR(two.result(), 1.0 / 3.0, 1e-6);
  // y = [0, 0, 1, 1, 2], p = [0, 1, 1, 1, 0]: cm rows [1 1 0], [0 2 0], [1 0 0].
  // class 0: 1 / (2 + 2 - 1); class 1: 2 / (3 + 2 - 2); class 2: 0 / 1; class 3 never seen.
  const Tensor y = v({0, 0, 1, 1, 2}), p = v({0, 1, 1, 1, 0});
  IoU io(3, {0, 2});
  io.update_state(y, p);
  EXPECT_NEAR(io.result(), (1.0 / 3.0 + 0.0) / 2, 1e-6);
  MeanIoU four(4);  // the empty class 3 is left out of the mean
  four.update_state(y, p);
  EXPECT_NEAR(four.result(), (1.0 / 3.0 + 2.0 / 3.0 + 0.0) / 3, 1e-6);
  // A second batch adds to the matrix: (2, 2) makes class 2's IoU 1 / 2.
  four.update_state(v({2}), v({2}));
  EXPECT_NEAR(four.result(), (1.0 / 3.0 + 2.0 / 3.0 + 0.5) / 3, 1e-6);
  EXPECT_EQ(four.variables().size(), 16u);
  four.reset_state();
  EXPECT_EQ(four.result(), 0.0);  // nothing valid: 0 / (0 + eps)
  // Ids out of [0, num_classes) are dropped; so is ignore_class in y_true.
  MeanIoU out(2);
  out.update_state(v({0, 1, 5, -1}), v({0, 1, 1, 0}));
  EXPECT_NEAR(out.result(), 1.0, 1e-6);
  MeanIoU ignore(3, {.ignore_class = 1});
  ignore.update_state(y, p);  // drops (1, 1), (1, 1): cm rows [1 1 0], [0 0 0], [1 0 0]
  EXPECT_NEAR(ignore.result(), (1.0 / 3.0 + 0.0 + 0.0) / 3, 1e-6);
}

TEST(IoUMetrics, SampleWeightsInTheMatrixDtype) {
  const Tensor y = v({0, 0, 1, 1, 2}), p = v({0, 1, 1, 1, 0});
  const Tensor w = v({2, 1, 1, 1, 0.9f});
  // int32 (the default): 0.9 truncates to 0, so the (2, 0) entry is gone:
  // cm rows [2 1 0], [0 2 0], [0 0 0]: class 0 2/3, class 1 2/3, class 2 not counted.
  MeanIoU ints(3);
  ints.update_state(y, p, w);
  EXPECT_NEAR(ints.result(), 2.0 / 3.0, 1e-6);
  // float32: it counts 0.9: class 0 2 / 3.9, class 1 2 / 3, class 2 0 / 0.9.
  MeanIoU floats(3, {.dtype = "float32"});
  floats.update_state(y, p, w);
  EXPECT_NEAR(floats.result(), (2.0 / 3.9 + 2.0 / 3.0 + 0.0) / 3, 1e-6);
}

TEST(IoUMetrics, BinaryAndOneHot) {
  BinaryIoU b({0, 1}, 0.3);  // Keras's docstring: predictions [0, 0, 1, 1]: cm [[1, 1], [1, 1]]
  b.update_state(v({0, 1, 0, 1}), v({0.1f, 0.2f, 0.4f, 0.7f}));
  EXPECT_NEAR(b.result(), 1.0 / 3.0, 1e-6);
  BinaryIoU edge({1}, 0.5);  // y_pred >= threshold is class 1: 0.5 counts
  edge.update_state(v({1, 0}), v({0.5f, 0.49f}));
  EXPECT_NEAR(edge.result(), 1.0, 1e-6);
  EXPECT_EQ(BinaryIoU().get_config().size(), 4u);

  // True ids [2, 0, 1, 0], predicted ids (argmax) [2, 2, 0, 2]: cm entries (2,2), (0,2),
  // (1,0), (0,2). class 0: 0 / 3; class 1: 0 / 1; class 2: 1 / 3.
  const Tensor onehot = m({0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0}, 4, 3);
  const Tensor scores = m({0.2f, 0.3f, 0.5f, 0.1f, 0.2f, 0.7f, 0.5f, 0.3f, 0.1f, 0.1f, 0.4f, 0.5f}, 4, 3);
  OneHotIoU oh(3, {0, 2});
  oh.update_state(onehot, scores);
  EXPECT_NEAR(oh.result(), (0.0 + 1.0 / 3.0) / 2, 1e-6);
  OneHotMeanIoU ohm(3);
  ohm.update_state(onehot, scores);
  EXPECT_NEAR(ohm.result(), (0.0 + 0.0 + 1.0 / 3.0) / 3, 1e-6);
  OneHotIoU sparse_pred(3, {2}, {.sparse_y_pred = true});  // predicted ids given directly
  sparse_pred.update_state(onehot, v({2, 2, 0, 2}));
  EXPECT_NEAR(sparse_pred.result(), 1.0 / 3.0, 1e-6);
  testing::expect_error<ValueError>([] { IoU(2, {2}); }, {"IoU", "out of range"});
  testing::expect_error<ValueError>([] { MeanIoU(2).update_state(v({0, 1}), v({0})); }, {"MeanIoU"});
}

}  // namespace
}  // namespace keras::metrics
