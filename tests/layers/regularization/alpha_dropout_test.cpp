// AlphaDropout: Keras's formula, mean and variance kept for SELU-normalized inputs.
#include "keras/layers/regularization/alpha_dropout.h"

#include <cmath>

#include "test_utils.h"

namespace keras::layers {
namespace {

constexpr double kAlphaP = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946;

TEST(AlphaDropout, IdentityAtInference) {
  const Tensor x = testing::random_tensor({4, 8}, 1);
  EXPECT_EQ(AlphaDropout(0.5)(x, false).to_vector<float>(), x.to_vector<float>());
  EXPECT_EQ(AlphaDropout(0.0)(x, true).to_vector<float>(), x.to_vector<float>());
}

TEST(AlphaDropout, KerasFormula) {
  // Every output is a * x + b (kept) or a * alpha' + b (dropped).
  const double rate = 0.3;
  const double a = std::pow((1 - rate) * (1 + rate * kAlphaP * kAlphaP), -0.5), b = -a * kAlphaP * rate;
  const Tensor x = testing::random_tensor({100, 50}, 2);
  const auto xv = x.to_vector<float>(), yv = AlphaDropout(rate)(x, true).to_vector<float>();
  int dropped = 0;
  for (size_t i = 0; i < xv.size(); ++i) {
    const double kept = a * xv[i] + b, gone = a * kAlphaP + b;
    const bool is_kept = std::abs(yv[i] - kept) < 1e-5;
    EXPECT_TRUE(is_kept || std::abs(yv[i] - gone) < 1e-5) << yv[i];
    if (!is_kept) ++dropped;
  }
  EXPECT_NEAR(dropped / 5000.0, rate, 0.03);
}

TEST(AlphaDropout, KeepsMeanAndVariance) {
  // Keras's promise: inputs of mean 0 and variance 1 keep them.
  const Tensor x = random::normal({400, 500}, 0.0, 1.0, 11);
  for (double rate : {0.1, 0.3, 0.5}) {
    SCOPED_TRACE(rate);
    const Tensor y = AlphaDropout(rate, {.seed = 5})(x, true);
    const double mean = ops::mean(y).item<float>();
    const double var = ops::mean(ops::square(y - mean)).item<float>();
    EXPECT_NEAR(mean, 0.0, 0.02);
    EXPECT_NEAR(var, 1.0, 0.03);
  }
}

TEST(AlphaDropout, NoiseShapeAndSeed) {
  AlphaDropout d(0.5, {.noise_shape = Shape{kNone, 1}, .seed = 4});
  const Tensor y = d(Tensor::ones({50, 6}), true);
  for (int64_t i = 0; i < 50; ++i)
    for (int64_t j = 1; j < 6; ++j) EXPECT_EQ(y.at<float>({i, j}), y.at<float>({i, 0}));
  AlphaDropout e(0.5, {.noise_shape = Shape{kNone, 1}, .seed = 4});
  EXPECT_EQ(e(Tensor::ones({50, 6}), true).to_vector<float>(), y.to_vector<float>());
  EXPECT_NE(e(Tensor::ones({50, 6}), true).to_vector<float>(), y.to_vector<float>());  // a new mask each call
  EXPECT_EQ(AlphaDropout(1.0)(Tensor::ones({2, 3}), true).to_vector<float>(), std::vector<float>(6, 0.f));
}

TEST(AlphaDropout, GradientIsTheScaledMask) {
  const double rate = 0.4, a = std::pow((1 - rate) * (1 + rate * kAlphaP * kAlphaP), -0.5), b = -a * kAlphaP * rate;
  AlphaDropout d(rate);
  Tensor x = testing::random_tensor({6, 7}, 3);
  x.set_requires_grad(true);
  autograd::GradientTape tape;
  const Tensor y = d(x, true);
  const Tensor g = tape.gradient(ops::sum(y), {x})[0];
  const auto yv = y.to_vector<float>(), gv = g.to_vector<float>();
  for (size_t i = 0; i < yv.size(); ++i) {
    const bool dropped = std::abs(yv[i] - (a * kAlphaP + b)) < 1e-5;
    EXPECT_NEAR(gv[i], dropped ? 0.0 : a, 1e-5);
  }
  testing::run_layer_test([] { return LayerHandle(AlphaDropout(0.2)); }, {3, 4}, {3, 4});
}

TEST(AlphaDropout, ConfigAndErrors) {
  const Config c = AlphaDropout(0.3, {.noise_shape = Shape{kNone, 1}, .seed = 2, .name = "ad"}).get_config();
  std::vector<std::string> keys;
  for (const auto& [k, v] : c.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "trainable", "dtype", "rate", "seed", "noise_shape"}));
  EXPECT_EQ(c["noise_shape"].dump(), "[null,1]");
  auto copy = AlphaDropout::from_config(c);
  const auto& d = dynamic_cast<const AlphaDropout&>(*copy);
  EXPECT_EQ(d.rate(), 0.3);
  EXPECT_EQ(d.options().seed, std::optional<uint64_t>(2));
  EXPECT_EQ(d.options().noise_shape, std::optional<Shape>(Shape{kNone, 1}));
  testing::expect_error<ValueError>([] { AlphaDropout(-0.5, {.name = "ad"}); }, {"rate", "Received: rate=-0.5", "ad"});
  testing::expect_error<ValueError>(
      [] {
        AlphaDropout(0.5, {.noise_shape = Shape{kNone, 1, 1}})(Tensor::ones({2, 3}), true);
      },
      {"noise_shape"});
}

}  // namespace
}  // namespace keras::layers
