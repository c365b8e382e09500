#include "keras/layers/regularization/dropout.h"

#include "test_utils.h"

namespace keras::layers {
namespace {

TEST(Dropout, IdentityAtInference) {
  Dropout d(0.5);
  Tensor x = testing::random_tensor({4, 8}, 1);
  EXPECT_EQ(d(x, false).to_vector<float>(), x.to_vector<float>());
}

TEST(Dropout, TrainingDropsAndScales) {
  Dropout d(0.3);
  Tensor x = Tensor::ones({200, 100});
  const auto y = d(x, true).to_vector<float>();
  int zeros = 0;
  for (float v : y) {
    if (v == 0.f) ++zeros;
    else EXPECT_FLOAT_EQ(v, 1.f / 0.7f);
  }
  EXPECT_NEAR(zeros / 20000.0, 0.3, 0.02);
  // A new mask on every call.
  EXPECT_NE(d(x, true).to_vector<float>(), y);
}

TEST(Dropout, SeedRepeatsAcrossLayers) {
  Dropout a(0.5, {.seed = 9}), b(0.5, {.seed = 9});
  Tensor x = Tensor::ones({10, 10});
  EXPECT_EQ(a(x, true).to_vector<float>(), b(x, true).to_vector<float>());
}

TEST(Dropout, NoiseShapeBroadcasts) {
  Dropout d(0.5, {.noise_shape = Shape{kNone, 1}});
  const Tensor y = d(Tensor::ones({50, 6}), true);
  for (int64_t i = 0; i < 50; ++i) {
    const float first = y.at<float>({i, 0});
    for (int64_t j = 1; j < 6; ++j) EXPECT_EQ(y.at<float>({i, j}), first);  // whole rows kept or dropped
  }
}

TEST(Dropout, GradientIsTheMask) {
  Dropout d(0.5);
  Tensor x = testing::random_tensor({6, 7}, 2, 0.5, 1.5);
  x.set_requires_grad(true);
  autograd::GradientTape tape;
  Tensor y = d(x, true);
  Tensor g = tape.gradient(y, {x})[0];
  const auto yv = y.to_vector<float>(), gv = g.to_vector<float>();
  for (size_t i = 0; i < yv.size(); ++i) EXPECT_FLOAT_EQ(gv[i], yv[i] == 0.f ? 0.f : 2.f);
}

TEST(Dropout, Errors) {
  testing::expect_error<ValueError>([] { Dropout(1.5); }, {"rate", "Received: rate=1.5"});
  testing::expect_error<ValueError>([] { Dropout(-0.1); }, {"rate"});
}

}  // namespace
}  // namespace keras::layers
