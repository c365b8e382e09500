// Conv1D, Conv3D, DepthwiseConv2D and SeparableConv2D: shapes, gradients (inputs and
// weights) in every mode, config round trip, training, errors.
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::run_layer_test;

TEST(Conv1D, Modes) {
  run_layer_test([] { return LayerHandle(Conv1D(4, 3)); }, {2, 9, 3}, {2, 7, 4});
  run_layer_test([] { return LayerHandle(Conv1D(3, 3, {.strides = 2, .padding = "same", .activation = "tanh"})); },
                 {2, 9, 2}, {2, 5, 3});
  run_layer_test([] { return LayerHandle(Conv1D(2, 3, {.padding = "causal", .dilation_rate = 2})); }, {2, 8, 3}, {2, 8, 2});
  run_layer_test([] { return LayerHandle(Conv1D(4, 2, {.groups = 2, .use_bias = false})); }, {2, 6, 4}, {2, 5, 4});
}

TEST(Conv1D, CausalSeesOnlyThePast) {
  Conv1D c(1, 3, {.padding = "causal", .kernel_initializer = "ones"});
  Tensor x = Tensor::zeros({1, 6, 1});
  x.data<float>()[3] = 1.f;  // an impulse at t = 3
  const auto y = c(x).to_vector<float>();
  EXPECT_EQ(y, (std::vector<float>{0, 0, 0, 1, 1, 1}));
}

TEST(Conv3D, Modes) {
  run_layer_test([] { return LayerHandle(Conv3D(2, 2)); }, {1, 4, 4, 3, 2}, {1, 3, 3, 2, 2});
  run_layer_test([] { return LayerHandle(Conv3D(3, {2, 3, 3}, {.strides = {1, 2, 2}, .padding = "same"})); },
                 {1, 3, 5, 5, 2}, {1, 3, 3, 3, 3});
  run_layer_test([] { return LayerHandle(Conv3D(2, 2, {.dilation_rate = {2, 1, 1}, .use_bias = false})); },
                 {1, 5, 3, 3, 1}, {1, 3, 2, 2, 2});
}

TEST(DepthwiseConv2D, Modes) {
  run_layer_test([] { return LayerHandle(DepthwiseConv2D(3)); }, {2, 5, 5, 3}, {2, 3, 3, 3});
  run_layer_test([] { return LayerHandle(DepthwiseConv2D(3, {.strides = 2, .padding = "same", .depth_multiplier = 2})); },
                 {2, 7, 7, 2}, {2, 4, 4, 4});
  run_layer_test([] { return LayerHandle(DepthwiseConv2D(2, {.activation = "relu", .use_bias = false})); }, {1, 4, 4, 4},
                 {1, 3, 3, 4});
  run_layer_test([] { return LayerHandle(DepthwiseConv2D(3, {.padding = "same", .dilation_rate = 2})); }, {1, 6, 6, 2},
                 {1, 6, 6, 2});
  DepthwiseConv2D d(3, {.depth_multiplier = 2});
  d(Tensor::ones({1, 5, 5, 3}));
  EXPECT_EQ(d.weights()[0].name(), "kernel");  // as Keras 3 names it (depthwise_basic/weights.json)
  EXPECT_EQ(d.weights()[0].shape(), Shape({3, 3, 3, 2}));
  EXPECT_EQ(d.weights()[1].shape(), Shape({6}));
}

TEST(SeparableConv2D, Modes) {
  run_layer_test([] { return LayerHandle(SeparableConv2D(4, 3, {.padding = "same"})); }, {2, 5, 5, 3}, {2, 5, 5, 4});
  run_layer_test([] {
    return LayerHandle(SeparableConv2D(5, 3, {.strides = 2, .depth_multiplier = 2, .activation = "relu"}));
  }, {1, 8, 8, 2}, {1, 3, 3, 5});
  SeparableConv2D s(8, 3);
  s(Tensor::ones({1, 6, 6, 4}));
  ASSERT_EQ(s.weights().size(), 3u);
  EXPECT_EQ(s.weights()[0].shape(), Shape({3, 3, 4, 1}));
  EXPECT_EQ(s.weights()[1].shape(), Shape({1, 1, 4, 8}));
  EXPECT_EQ(s.count_params(), 3 * 3 * 4 + 4 * 8 + 8);  // against 3*3*4*8 + 8 for a Conv2D
}

TEST(ConvFamily, Errors) {
  testing::expect_error<ValueError>([] { DepthwiseConv2D(3, {.depth_multiplier = 0}); }, {"depth_multiplier"});
  testing::expect_error<ValueError>([] { SeparableConv2D(0, 3); }, {"filters"});
  testing::expect_error<ValueError>([] { Conv3D(2, 2, {.padding = "causal"}); }, {"causal"});
  Conv1D c(2, 3, {.name = "c1"});
  testing::expect_error<ValueError>([&] { c(Tensor::ones({2, 5})); }, {"\"c1\"", "min_ndim=3", "(2, 5)"});
  Conv3D c3(2, 2);
  testing::expect_error<ValueError>([&] { c3(Tensor::ones({1, 1, 4, 4, 2})); }, {"(1, 1, 4, 4, 2)"});
}

}  // namespace
}  // namespace keras::layers
