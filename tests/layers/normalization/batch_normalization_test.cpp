#include "keras/layers/normalization/batch_normalization.h"

#include <cmath>

#include "keras/autograd/gradient_tape.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::run_layer_test;

TEST(BatchNormalization, GradientsInTrainingAndInference) {
  // Training: batch statistics (the gradient flows through the mean and variance too).
  run_layer_test([] { return LayerHandle(BatchNormalization()); }, {6, 4}, {6, 4}, /*training=*/true);
  run_layer_test([] { return LayerHandle(BatchNormalization()); }, {3, 4, 4, 2}, {3, 4, 4, 2}, true, 2);
  run_layer_test([] { return LayerHandle(BatchNormalization({.axis = 1})); }, {3, 4, 5}, {3, 4, 5}, true, 3);
  run_layer_test([] { return LayerHandle(BatchNormalization({.center = false, .scale = false})); }, {5, 3}, {5, 3}, true, 4);
  // Inference: moving statistics.
  run_layer_test([] { return LayerHandle(BatchNormalization()); }, {4, 3}, {4, 3}, /*training=*/false, 5);
}

TEST(BatchNormalization, MovingStatisticsFollowKerasFormula) {
  // Built with the default 0.99, then changed as `layer.momentum = 0.9` does in Keras.
  BatchNormalization bn;
  bn.set_momentum(0.9);
  EXPECT_EQ(bn.get_config().at("momentum"), 0.9);
  EXPECT_THROW(bn.set_momentum(1.5), ValueError);
  std::vector<double> mm(3, 0.0), mv(3, 1.0);
  for (int step = 0; step < 4; ++step) {
    Tensor x = testing::random_tensor({8, 3}, 10 + step, -2.0, 3.0);
    bn(x, /*training=*/true);
    const auto v = x.to_vector<double>();
    for (int c = 0; c < 3; ++c) {
      double mean = 0, var = 0;
      for (int i = 0; i < 8; ++i) mean += v[static_cast<size_t>(i * 3 + c)] / 8;
      for (int i = 0; i < 8; ++i) var += std::pow(v[static_cast<size_t>(i * 3 + c)] - mean, 2) / 8;  // biased, as Keras 3
      mm[static_cast<size_t>(c)] = mm[static_cast<size_t>(c)] * 0.9 + mean * 0.1;
      mv[static_cast<size_t>(c)] = mv[static_cast<size_t>(c)] * 0.9 + var * 0.1;
    }
  }
  const auto got_m = bn.moving_mean().value().to_vector<double>(), got_v = bn.moving_variance().value().to_vector<double>();
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(got_m[static_cast<size_t>(c)], mm[static_cast<size_t>(c)], 1e-5);
    EXPECT_NEAR(got_v[static_cast<size_t>(c)], mv[static_cast<size_t>(c)], 1e-5);
  }
  // Inference uses them: (x - moving_mean) / sqrt(moving_variance + eps).
  Tensor x = testing::random_tensor({2, 3}, 99);
  const auto y = bn(x, false).to_vector<double>(), xv = x.to_vector<double>();
  for (int i = 0; i < 6; ++i)
    EXPECT_NEAR(y[static_cast<size_t>(i)], (xv[static_cast<size_t>(i)] - mm[static_cast<size_t>(i % 3)]) /
                                               std::sqrt(mv[static_cast<size_t>(i % 3)] + 1e-3),
                1e-5);
}

TEST(BatchNormalization, WeightsAndFrozenLayer) {
  BatchNormalization bn;
  bn(Tensor::ones({2, 5}));
  ASSERT_EQ(bn.weights().size(), 4u);
  EXPECT_EQ(bn.weights()[0].name(), "gamma");
  EXPECT_EQ(bn.weights()[3].name(), "moving_variance");
  EXPECT_EQ(bn.trainable_weights().size(), 2u);
  EXPECT_EQ(bn.non_trainable_weights().size(), 2u);
  // A frozen BatchNormalization runs in inference mode even when training (Keras 3).
  bn.set_trainable(false);
  const auto before = bn.moving_mean().value().to_vector<float>();
  bn(Tensor::full({4, 5}, 3.0), true);
  EXPECT_EQ(bn.moving_mean().value().to_vector<float>(), before);
  testing::expect_error<ValueError>([] { BatchNormalization({.epsilon = 0}); }, {"epsilon"});
  BatchNormalization bad({.axis = 3});
  testing::expect_error<ValueError>([&] { bad(Tensor::ones({2, 3})); }, {"axis"});
}

}  // namespace
}  // namespace keras::layers

namespace keras::layers {
namespace {

TEST(BatchNormalization, MovingStatisticsStayNonTrainableThroughAConfigAndTrainableFlips) {
  // from_config sets the layer's trainable flag; that must not make moving_mean and
  // moving_variance trainable (a reloaded model would then skip its optimizer state).
  BatchNormalization bn;
  bn.build_for({Shape{kNone, 3}});
  auto copy = saving::deserialize_layer(saving::serialize_layer(bn));
  EXPECT_EQ(copy->trainable_weights().size(), 2u);
  EXPECT_EQ(copy->non_trainable_weights().size(), 2u);
  copy->set_trainable(false);
  EXPECT_EQ(copy->trainable_weights().size(), 0u);
  copy->set_trainable(true);
  EXPECT_EQ(copy->trainable_weights().size(), 2u);
}

}  // namespace
}  // namespace keras::layers

namespace keras::layers {
namespace {

// Channels last runs the fused kernels; axis=1 on the transposed input runs the
// composition of ops. Both must give the same outputs, gradients and moving statistics,
// on a batch big enough to split across threads (16384 rows).
TEST(BatchNormalization, FusedKernelEqualsTheComposition) {
  for (const bool training : {true, false}) {
    BatchNormalization last({.momentum = 0.5}), first({.axis = 1, .momentum = 0.5});
    const Tensor x = testing::random_tensor({64, 16, 16, 8}, 3, -2.0, 5.0);
    const Tensor x_first = ops::transpose(x, {0, 3, 1, 2});
    last.build_for({x.shape()});
    first.build_for({x_first.shape()});
    for (size_t i = 0; i < 4; ++i) {  // the same non-trivial weights and statistics
      const Tensor w = testing::random_tensor({8}, 20 + static_cast<int>(i), 0.5, 1.5);
      last.weights()[i].assign(w);
      first.weights()[i].assign(w);
    }
    Tensor a = x, b = x_first;
    a.set_requires_grad(true);
    b.set_requires_grad(true);
    const Tensor dy = testing::random_tensor(x.shape(), 7);
    autograd::GradientTape tape_a;
    const Tensor ya = last(a, training);
    const auto ga = tape_a.gradient(ops::sum(ops::multiply(ya, dy)),
                                    TensorList{a, last.weights()[0].value(), last.weights()[1].value()});
    autograd::GradientTape tape_b;
    const Tensor yb = first(b, training);
    const auto gb = tape_b.gradient(ops::sum(ops::multiply(yb, ops::transpose(dy, {0, 3, 1, 2}))),
                                    TensorList{b, first.weights()[0].value(), first.weights()[1].value()});
    const std::string mode = training ? "training" : "inference";
    testing::expect_allclose(ya, ops::transpose(yb, {0, 2, 3, 1}), 1e-5, 1e-4, mode + " y");
    testing::expect_allclose(ga[0], ops::transpose(gb[0], {0, 2, 3, 1}), 1e-5, 1e-3, mode + " dx");
    testing::expect_allclose(ga[1], gb[1], 1e-3, 1e-4, mode + " dgamma");
    testing::expect_allclose(ga[2], gb[2], 1e-3, 1e-4, mode + " dbeta");
    testing::expect_allclose(last.moving_mean().value(), first.moving_mean().value(), 1e-5, 1e-5, mode + " mean");
    testing::expect_allclose(last.moving_variance().value(), first.moving_variance().value(), 1e-5, 1e-5,
                             mode + " variance");
  }
}

}  // namespace
}  // namespace keras::layers

namespace keras::layers {
namespace {

// A frozen layer (fine-tuning): inference mode, no gradient for gamma and beta, and the
// fused kernel skips their sums; x's gradient still equals the composition's.
TEST(BatchNormalization, FrozenLayerPassesTheGradientToItsInput) {
  BatchNormalization last, first({.axis = 1});
  const Tensor x = testing::random_tensor({32, 8, 8, 4}, 5, -2.0, 5.0);
  const Tensor x_first = ops::transpose(x, {0, 3, 1, 2});
  last.build_for({x.shape()});
  first.build_for({x_first.shape()});
  for (size_t i = 0; i < 4; ++i) {
    const Tensor w = testing::random_tensor({4}, 30 + static_cast<int>(i), 0.5, 1.5);
    last.weights()[i].assign(w);
    first.weights()[i].assign(w);
  }
  last.set_trainable(false);
  first.set_trainable(false);
  Tensor a = x, b = x_first;
  a.set_requires_grad(true);
  b.set_requires_grad(true);
  const Tensor dy = testing::random_tensor(x.shape(), 9);
  autograd::GradientTape tape_a;
  const Tensor ga = tape_a.gradient(ops::sum(ops::multiply(last(a, true), dy)), TensorList{a})[0];
  autograd::GradientTape tape_b;
  const Tensor gb =
      tape_b.gradient(ops::sum(ops::multiply(first(b, true), ops::transpose(dy, {0, 3, 1, 2}))), TensorList{b})[0];
  testing::expect_allclose(ga, ops::transpose(gb, {0, 2, 3, 1}), 1e-5, 1e-4, "dx");
}

TEST(BatchNormalization, SynchronizedIsKerasArgumentAndOneProcessIsUnchanged) {
  // Keras's `synchronized`: in the config, read back; with one process the statistics are
  // this batch's either way (tests/distributed checks several processes).
  BatchNormalization sync({.synchronized = true});
  EXPECT_EQ(sync.get_config().at("synchronized"), true);
  EXPECT_EQ(BatchNormalization().get_config().at("synchronized"), false);
  const auto back = BatchNormalization::from_config(sync.get_config());
  EXPECT_TRUE(std::static_pointer_cast<BatchNormalization>(back)->options().synchronized);
  BatchNormalization plain;
  const Tensor x = testing::random_tensor({6, 3}, 4, -2.0, 3.0);
  testing::expect_allclose(sync(x, /*training=*/true), plain(x, /*training=*/true), 1e-6, 1e-6, "one process");
}

}  // namespace
}  // namespace keras::layers
