#include <cmath>

#include "test_utils.h"

namespace keras::layers {
namespace {

TEST(GaussianNoise, TrainingOnly) {
  GaussianNoise g(0.5);
  Tensor x = Tensor::ones({100, 100});
  EXPECT_EQ(g(x, false).to_vector<float>(), x.to_vector<float>());
  const auto y = g(x, true).to_vector<double>();
  double mean = 0, sq = 0;
  for (double v : y) mean += (v - 1) / 1e4, sq += (v - 1) * (v - 1) / 1e4;
  EXPECT_NEAR(mean, 0.0, 0.02);
  EXPECT_NEAR(std::sqrt(sq), 0.5, 0.02);
  GaussianNoise a(1.0, {.seed = 4}), b(1.0, {.seed = 4});
  EXPECT_EQ(a(x, true).to_vector<float>(), b(x, true).to_vector<float>());
  testing::run_layer_test([] { return LayerHandle(GaussianNoise(0.3)); }, {3, 4}, {3, 4});
  testing::expect_error<ValueError>([] { GaussianNoise(-1.0); }, {"stddev"});
}

TEST(GaussianDropout, TrainingOnly) {
  GaussianDropout g(0.2);
  Tensor x = Tensor::ones({100, 100});
  EXPECT_EQ(g(x, false).to_vector<float>(), x.to_vector<float>());
  const auto y = g(x, true).to_vector<double>();
  double mean = 0, sq = 0;
  for (double v : y) mean += v / 1e4, sq += (v - 1) * (v - 1) / 1e4;
  EXPECT_NEAR(mean, 1.0, 0.02);
  EXPECT_NEAR(std::sqrt(sq), std::sqrt(0.2 / 0.8), 0.02);
  // The gradient is the multiplier.
  Tensor z = testing::random_tensor({5, 5}, 3, 0.5, 1.5);
  z.set_requires_grad(true);
  autograd::GradientTape tape;
  Tensor out = g(z, true);
  const auto grad = tape.gradient(out, {z})[0].to_vector<float>(), o = out.to_vector<float>(), zin = z.to_vector<float>();
  for (size_t i = 0; i < o.size(); ++i) EXPECT_NEAR(grad[i], o[i] / zin[i], 1e-5);
  testing::run_layer_test([] { return LayerHandle(GaussianDropout(0.3)); }, {3, 4}, {3, 4});
  testing::expect_error<ValueError>([] { GaussianDropout(1.0); }, {"rate"});
}

}  // namespace
}  // namespace keras::layers
