#include "keras/losses/losses.h"

#include <cmath>

#include "test_utils.h"

namespace keras::losses {
namespace {

const Tensor kProbs = Tensor::from_vector<float>({0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f}, {2, 3});

TEST(Losses, SparseCategoricalCrossentropy) {
  const Tensor labels = Tensor::from_vector<int64_t>({0, 2});
  const double want = (-std::log(0.7) - std::log(0.6)) / 2;
  EXPECT_NEAR(Loss("sparse_categorical_crossentropy")(labels, kProbs).item<double>(), want, 1e-6);
  // Labels shaped (N, 1) and as floats work too, as in Keras.
  EXPECT_NEAR(Loss("sparse_categorical_crossentropy")(Tensor::from_vector<float>({0, 2}, {2, 1}), kProbs).item<double>(),
              want, 1e-6);
  // From logits = log_softmax.
  const Tensor logits = Tensor::from_vector<float>({2.f, 0.5f, -1.f, 0.f, 1.f, 3.f}, {2, 3});
  auto ls = ops::log_softmax(logits).to_vector<double>();
  EXPECT_NEAR(SparseCategoricalCrossentropy({.from_logits = true})(labels, logits).item<double>(), -(ls[0] + ls[5]) / 2,
              1e-6);
  testing::expect_error<ValueError>([&] { Loss("sparse_categorical_crossentropy")(Tensor::from_vector<int64_t>({0, 3}), kProbs); },
                                    {"label value of 3", "[0, 3)"});
  testing::expect_error<ValueError>(
      [&] { Loss("sparse_categorical_crossentropy")(Tensor::from_vector<int64_t>({0, 1, 2}), kProbs); }, {"(3,)", "(2, 3)"});
}

TEST(Losses, CategoricalCrossentropy) {
  const Tensor onehot = Tensor::from_vector<float>({1, 0, 0, 0, 0, 1}, {2, 3});
  EXPECT_NEAR(Loss("categorical_crossentropy")(onehot, kProbs).item<double>(), (-std::log(0.7) - std::log(0.6)) / 2, 1e-6);
  // Label smoothing 0.3 over 3 classes: targets 0.8 / 0.1 / 0.1.
  const double want = (-(0.8 * std::log(0.7) + 0.1 * std::log(0.2) + 0.1 * std::log(0.1)) -
                       (0.1 * std::log(0.1) + 0.1 * std::log(0.3) + 0.8 * std::log(0.6))) / 2;
  EXPECT_NEAR(CategoricalCrossentropy({.label_smoothing = 0.3})(onehot, kProbs).item<double>(), want, 1e-6);
  testing::expect_error<ValueError>([&] { Loss("categorical_crossentropy")(Tensor::ones({2, 4}), kProbs); },
                                    {"y_true.shape=(2, 4)", "y_pred.shape=(2, 3)"});
}

TEST(Losses, BinaryCrossentropy) {
  const Tensor y = Tensor::from_vector<float>({1, 0, 1}, {3, 1});
  const Tensor p = Tensor::from_vector<float>({0.9f, 0.2f, 0.4f}, {3, 1});
  const double want = -(std::log(0.9) + std::log(0.8) + std::log(0.4)) / 3;
  EXPECT_NEAR(Loss("binary_crossentropy")(y, p).item<double>(), want, 1e-6);
  // Logits give the same value through the stable formula; (N,) labels are expanded.
  const Tensor logits = ops::log(p / (1.0 - p));
  EXPECT_NEAR(BinaryCrossentropy({.from_logits = true})(Tensor::from_vector<float>({1, 0, 1}), logits).item<double>(),
              want, 1e-5);
}

TEST(Losses, Regression) {
  const Tensor t = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2});
  const Tensor p = Tensor::from_vector<float>({1.5f, 2, 1, 4}, {2, 2});
  EXPECT_NEAR(Loss("mse")(t, p).item<double>(), (0.25 + 0 + 4 + 0) / 4, 1e-6);
  EXPECT_NEAR(Loss("mae")(t, p).item<double>(), (0.5 + 0 + 2 + 0) / 4, 1e-6);
  EXPECT_NEAR(Loss("huber")(t, p).item<double>(), (0.5 * 0.25 + 0 + (0.5 + 1.0) + 0) / 4, 1e-6);
  EXPECT_NEAR(MeanSquaredError({.reduction = "sum", .name = {}})(t, p).item<double>(), 0.25 / 2 + 4.0 / 2, 1e-6);
  EXPECT_EQ(MeanSquaredError({.reduction = "none", .name = {}})(t, p).shape(), Shape({2}));
  testing::expect_error<ValueError>([] { Loss("nope"); }, {"loss", "nope"});
}

TEST(Losses, Gradients) {
  const Tensor labels = Tensor::from_vector<int64_t>({0, 2, 1});
  Tensor logits = testing::random_tensor({3, 3}, 1, -2, 2);
  logits.set_requires_grad(true);
  testing::check_gradients(
      [&](const TensorList& x) { return SparseCategoricalCrossentropy({.from_logits = true})(labels, x[0]); }, {logits});
  Tensor probs = ops::softmax(testing::random_tensor({3, 3}, 2)).detach();
  probs.set_requires_grad(true);
  testing::check_gradients([&](const TensorList& x) { return Loss("sparse_categorical_crossentropy")(labels, x[0]); },
                           {probs});
  const Tensor y = Tensor::from_vector<float>({1, 0, 1}, {3, 1});
  Tensor z = testing::random_tensor({3, 1}, 3, -2, 2);
  z.set_requires_grad(true);
  testing::check_gradients([&](const TensorList& x) { return BinaryCrossentropy({.from_logits = true})(y, x[0]); }, {z});
  Tensor r = testing::random_tensor({3, 2}, 4);
  r.set_requires_grad(true);
  const Tensor target = testing::random_tensor({3, 2}, 5);
  testing::check_gradients([&](const TensorList& x) { return Loss("mse")(target, x[0]); }, {r});
  testing::check_gradients([&](const TensorList& x) { return Loss("huber")(target, x[0]); }, {r});
}

}  // namespace
}  // namespace keras::losses
