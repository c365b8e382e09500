// ReLU, LeakyReLU, PReLU and Softmax layers.
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::run_layer_test;

TEST(ReLU, Options) {
  const Tensor x = Tensor::from_vector<float>({-2, -0.5f, 0.2f, 0.7f, 3, 8});
  EXPECT_EQ(ReLU()(x).to_vector<float>(), (std::vector<float>{0, 0, 0.2f, 0.7f, 3, 8}));
  EXPECT_EQ(ReLU({.max_value = 6.0})(x).to_vector<float>(), (std::vector<float>{0, 0, 0.2f, 0.7f, 3, 6}));
  const auto t = ReLU({.max_value = {}, .negative_slope = 0.1, .threshold = 0.5})(x).to_vector<float>();
  const std::vector<float> want{-0.25f, -0.1f, -0.03f, 0.7f, 3, 8};
  for (size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(t[i], want[i], 1e-6);
  run_layer_test([] { return LayerHandle(ReLU()); }, {3, 5}, {3, 5});
  run_layer_test([] { return LayerHandle(ReLU({.max_value = 1.0})); }, {3, 5}, {3, 5});
  run_layer_test([] { return LayerHandle(ReLU({.max_value = {}, .negative_slope = 0.1, .threshold = 0.5})); }, {3, 5},
                 {3, 5});
  testing::expect_error<ValueError>([] { ReLU({.max_value = -1.0}); }, {"max_value"});
}

TEST(LeakyReLU, DefaultAndSlope) {
  EXPECT_FLOAT_EQ(LeakyReLU()(Tensor::from_vector<float>({-1.f})).item<float>(), -0.3f);
  run_layer_test([] { return LayerHandle(LeakyReLU({.negative_slope = 0.05})); }, {3, 4, 5}, {3, 4, 5});
}

TEST(PReLU, PerElementAndSharedAxes) {
  run_layer_test([] { return LayerHandle(PReLU({.alpha_initializer = initializers::Constant(0.25)})); }, {3, 6}, {3, 6});
  run_layer_test([] {
    return LayerHandle(PReLU({.alpha_initializer = initializers::RandomUniform(0.1, 0.5, 3), .shared_axes = {1, 2}}));
  }, {2, 4, 4, 3}, {2, 4, 4, 3});
  PReLU p({.alpha_initializer = "zeros", .shared_axes = {1, 2}});
  p(Tensor::ones({1, 4, 4, 3}));
  EXPECT_EQ(p.weights()[0].shape(), Shape({1, 1, 3}));
  testing::expect_error<ValueError>([] { PReLU({.alpha_initializer = "zeros", .shared_axes = {0}}); }, {"shared_axes"});
}

TEST(Softmax, Axis) {
  run_layer_test([] { return LayerHandle(Softmax()); }, {3, 4, 5}, {3, 4, 5});
  run_layer_test([] { return LayerHandle(Softmax({.axis = 1})); }, {3, 4, 5}, {3, 4, 5});
  const auto s = Softmax({.axis = 1})(Tensor::zeros({1, 4, 2})).to_vector<float>();
  for (float v : s) EXPECT_FLOAT_EQ(v, 0.25f);
}

}  // namespace
}  // namespace keras::layers
