// The Loss base: reductions, sample weights and masks, against keras/src/losses/loss.py
// (reduce_weighted_values, apply_mask, reduce_values, squeeze_or_expand_to_same_rank).
#include "keras/losses/loss.h"

#include "keras/losses/losses.h"
#include "test_utils.h"

namespace keras::losses {
namespace {

Tensor vec(const std::vector<float>& v, const Shape& s) { return Tensor::from_vector(v, s); }
double val(const Tensor& t) { return t.item<double>(); }

// y_true zeros, y_pred (3, 1) = 1, 2, 3: MSE's per-sample losses are 1, 4, 9.
const Tensor kZeros = Tensor::zeros({3, 1});
const Tensor kPred = vec({1, 2, 3}, {3, 1});

TEST(LossReduction, EveryMode) {
  EXPECT_NEAR(val(MeanSquaredError()(kZeros, kPred)), 14.0 / 3, 1e-6);
  EXPECT_NEAR(val(MeanSquaredError({.reduction = "sum_over_batch_size"})(kZeros, kPred)), 14.0 / 3, 1e-6);
  EXPECT_NEAR(val(MeanSquaredError({.reduction = "mean"})(kZeros, kPred)), 14.0 / 3, 1e-6);
  EXPECT_NEAR(val(MeanSquaredError({.reduction = "sum"})(kZeros, kPred)), 14.0, 1e-6);
  // Without weights, mean_with_sample_weight divides by the number of values.
  EXPECT_NEAR(val(MeanSquaredError({.reduction = "mean_with_sample_weight"})(kZeros, kPred)), 14.0 / 3, 1e-6);
  for (const Reduction& r : {Reduction("none"), Reduction(std::nullopt)}) {
    const Tensor none = MeanSquaredError({.reduction = r})(kZeros, kPred);
    EXPECT_EQ(none.shape(), Shape({3}));
    EXPECT_EQ(none.to_vector<float>(), (std::vector<float>{1, 4, 9}));
  }
  // None is written as null, "none" as a string.
  EXPECT_EQ(MeanSquaredError({.reduction = std::nullopt}).config()[1].second, ConfigValue(nullptr));
  EXPECT_EQ(MeanSquaredError({.reduction = "none"}).config()[1].second, ConfigValue(std::string("none")));
  testing::expect_error<ValueError>([] { MeanSquaredError({.reduction = "avg"}); }, {"reduction", "avg"});
}

TEST(LossReduction, SampleWeights) {
  const Tensor w = vec({1, 0, 2}, {3});
  const MeanSquaredError sobs, sum({.reduction = "sum"}), mwsw({.reduction = "mean_with_sample_weight"}),
      none({.reduction = "none"});
  EXPECT_NEAR(val(sobs(kZeros, kPred, w)), (1 + 0 + 18) / 3.0, 1e-6);  // divided by the batch size
  EXPECT_NEAR(val(sum(kZeros, kPred, w)), 19.0, 1e-6);
  EXPECT_NEAR(val(mwsw(kZeros, kPred, w)), 19.0 / 3.0, 1e-6);  // divided by the weights' sum
  EXPECT_EQ(none(kZeros, kPred, w).to_vector<float>(), (std::vector<float>{1, 0, 18}));
  // A zero weight removes the sample exactly: same as the batch without it.
  const Tensor kept_true = Tensor::zeros({2, 1}), kept_pred = vec({1, 3}, {2, 1}), kept_w = vec({1, 2}, {2});
  EXPECT_EQ(val(mwsw(kZeros, kPred, w)), val(mwsw(kept_true, kept_pred, kept_w)));
  EXPECT_EQ(val(sum(kZeros, kPred, w)), val(sum(kept_true, kept_pred, kept_w)));
  // ... even when the removed sample's loss is huge.
  const Tensor big = vec({1, 1e15f, 3}, {3, 1});
  EXPECT_EQ(val(sum(kZeros, big, vec({1, 0, 2}, {3}))), 19.0);
  // All weights zero: mean_with_sample_weight is 0 (divide_no_nan), not NaN.
  EXPECT_EQ(val(mwsw(kZeros, kPred, Tensor::zeros({3}))), 0.0);
  // Weights of shape (3, 1) are squeezed to the losses' (3,); a scalar weighs everything.
  EXPECT_NEAR(val(sum(kZeros, kPred, vec({1, 0, 2}, {3, 1}))), 19.0, 1e-6);
  EXPECT_NEAR(val(sobs(kZeros, kPred, Tensor::scalar(2.0))), 28.0 / 3, 1e-6);
  // An undefined weight is no weight; integer weights are cast.
  EXPECT_NEAR(val(sobs(kZeros, kPred, Tensor())), 14.0 / 3, 1e-6);
  EXPECT_NEAR(val(sum(kZeros, kPred, Tensor::from_vector<int64_t>({1, 0, 2}))), 19.0, 1e-6);
}

TEST(LossReduction, PerTimestepWeights) {
  // Per-timestep losses (2, 3) from y (2, 3, 1): weights (2, 3), or (2, 3, 1) squeezed.
  const Tensor t = Tensor::zeros({2, 3, 1});
  const Tensor p = vec({1, 2, 3, 4, 5, 6}, {2, 3, 1});
  const Tensor w = vec({1, 1, 0, 0, 1, 1}, {2, 3});
  const MeanSquaredError sum({.reduction = "sum"}), mwsw({.reduction = "mean_with_sample_weight"});
  EXPECT_NEAR(val(sum(t, p, w)), 1 + 4 + 25 + 36, 1e-5);
  EXPECT_NEAR(val(sum(t, p, w.reshape({2, 3, 1}))), 1 + 4 + 25 + 36, 1e-5);
  EXPECT_NEAR(val(mwsw(t, p, w)), (1 + 4 + 25 + 36) / 4.0, 1e-5);
  // Weights that broadcast to nothing are refused with both shapes named.
  testing::expect_error<ValueError>(
      [&] {
        sum(t, p, vec({1, 2, 3, 4}, {4}));
      },
      {"mean_squared_error", "(4,)", "(2, 3)"});
}

TEST(LossReduction, MasksAsKerasApplyMask) {
  // A Keras mask on y_pred: masked entries weigh nothing; the means are over valid ones.
  const Tensor t = Tensor::zeros({3, 1});
  Tensor p = kPred.clone();
  p.set_keras_mask(ops::greater(vec({1, 0, 1}, {3}), Tensor::scalar(0.5)));
  EXPECT_NEAR(val(MeanSquaredError()(t, p)), (1 + 9) / 2.0, 1e-6);
  EXPECT_NEAR(val(MeanSquaredError({.reduction = "sum"})(t, p)), 10.0, 1e-6);
  EXPECT_NEAR(val(MeanSquaredError({.reduction = "mean_with_sample_weight"})(t, p)), 5.0, 1e-6);
  EXPECT_EQ(MeanSquaredError({.reduction = "none"})(t, p).to_vector<float>(), (std::vector<float>{1, 0, 9}));
  // With weights: sum(w * loss over valid) / valid = (2 * 1 + 1 * 9) / 2.
  EXPECT_NEAR(val(MeanSquaredError()(t, p, vec({2, 5, 1}, {3}))), 5.5, 1e-6);
  // Everything masked: 0, not NaN.
  Tensor q = kPred.clone();
  q.set_keras_mask(ops::greater(Tensor::zeros({3}), Tensor::scalar(0.5)));
  EXPECT_EQ(val(MeanSquaredError()(t, q)), 0.0);
}

TEST(LossReduction, EmptyBatchAndScalars) {
  // reduce_values leaves rank-0 values and an empty batch (shape (0,)) as they are.
  const Tensor e = MeanSquaredError()(Tensor::zeros({0, 1}), Tensor::zeros({0, 1}));
  EXPECT_EQ(e.shape(), Shape({0}));
  const Tensor s = Dice()(Tensor::ones({2, 2}), Tensor::ones({2, 2}));
  EXPECT_EQ(s.rank(), 0);
}

TEST(LossReduction, SqueezeOrExpandToSameRank) {
  const Tensor a = Tensor::zeros({4}), b = Tensor::zeros({4, 1}), c = Tensor::zeros({4, 3, 1}),
               d = Tensor::zeros({4, 3});
  EXPECT_EQ(squeeze_or_expand_to_same_rank(a, b).first.shape(), Shape({4, 1}));  // rank 1 is expanded
  EXPECT_EQ(squeeze_or_expand_to_same_rank(b, a).second.shape(), Shape({4, 1}));
  EXPECT_EQ(squeeze_or_expand_to_same_rank(c, d).first.shape(), Shape({4, 3}));  // otherwise squeezed
  EXPECT_EQ(squeeze_or_expand_to_same_rank(d, c).second.shape(), Shape({4, 3}));
  EXPECT_EQ(squeeze_or_expand_to_same_rank(a, b, false).second.shape(), Shape({4}));
  EXPECT_EQ(squeeze_or_expand_to_same_rank(a, d).second.shape(), Shape({4, 3}));  // last dim not 1: unchanged
  // Loss::call brings y_true to y_pred's rank: (N,) labels against (N, 1) predictions.
  EXPECT_NEAR(val(Loss("mse")(vec({0, 0, 0}, {3}), kPred)), 14.0 / 3, 1e-6);
  EXPECT_NEAR(val(Loss("mse")(kZeros, vec({1, 2, 3}, {3}))), 14.0 / 3, 1e-6);
}

TEST(LossReduction, CustomFunctionLoss) {
  Loss l(
      "twice_mae", [](const Tensor& t, const Tensor& p) { return ops::mean(ops::abs(p - t), {-1}) * 2.0f; }, "sum");
  EXPECT_EQ(l.class_name(), "");
  EXPECT_NEAR(val(l(kZeros, kPred)), 12.0, 1e-6);
  EXPECT_NEAR(val(l(kZeros, kPred, vec({0, 1, 0}, {3}))), 4.0, 1e-6);
  testing::expect_error<ValueError>([] { Loss("x", Loss::Fn(), "sum"); }, {"\"x\"", "empty"});
  testing::expect_error<ValueError>([&] { l(Tensor(), kPred); }, {"twice_mae", "y_true"});
}

}  // namespace
}  // namespace keras::losses
