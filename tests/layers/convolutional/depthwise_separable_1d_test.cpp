// DepthwiseConv1D and SeparableConv1D (the 1-D leaves of BaseConv), and channels_first
// across the convolution family: shapes, gradients in every mode, weights and configs as
// Keras names and orders them, errors.
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;
using testing::run_layer_test;

std::vector<std::string> keys_of(const Config& c) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : c.items()) keys.push_back(k);
  return keys;
}

TEST(DepthwiseConv1D, Modes) {
  run_layer_test([] { return LayerHandle(DepthwiseConv1D(3)); }, {2, 8, 3}, {2, 6, 3});
  run_layer_test(
      [] { return LayerHandle(DepthwiseConv1D(3, {.strides = 2, .padding = "same", .depth_multiplier = 2})); },
      {2, 9, 2}, {2, 5, 4});
  run_layer_test(
      [] { return LayerHandle(DepthwiseConv1D(2, {.dilation_rate = 3, .activation = "relu", .use_bias = false})); },
      {2, 9, 3}, {2, 6, 3});
  run_layer_test(
      [] { return LayerHandle(DepthwiseConv1D(3, {.depth_multiplier = 3, .data_format = "channels_first"})); },
      {2, 2, 7}, {2, 6, 5});
}

TEST(DepthwiseConv1D, WeightsAndConfigAsKeras) {
  DepthwiseConv1D d(3, {.depth_multiplier = 2});
  d(Tensor::ones({1, 5, 3}));
  ASSERT_EQ(d.weights().size(), 2u);
  EXPECT_EQ(d.weights()[0].name(), "kernel");  // Keras 3's name (dwconv1d_valid/weights.json)
  EXPECT_EQ(d.weights()[0].shape(), Shape({3, 3, 2}));
  EXPECT_EQ(d.weights()[1].shape(), Shape({6}));
  const std::vector<std::string> want = {"name",
                                         "trainable",
                                         "dtype",
                                         "depth_multiplier",
                                         "kernel_size",
                                         "strides",
                                         "padding",
                                         "data_format",
                                         "dilation_rate",
                                         "activation",
                                         "use_bias",
                                         "depthwise_initializer",
                                         "bias_initializer",
                                         "depthwise_regularizer",
                                         "bias_regularizer",
                                         "activity_regularizer",
                                         "depthwise_constraint",
                                         "bias_constraint"};
  const Config c = d.get_config();
  EXPECT_EQ(keys_of(c), want);
  EXPECT_EQ(c["kernel_size"], Config::parse("[3]"));
  EXPECT_EQ(c["depth_multiplier"], 2);
}

TEST(DepthwiseConv1D, ValuesByHand) {
  // Each channel has its own filters; depth_multiplier 2 puts channel c's two filters at c * 2 + m.
  DepthwiseConv1D d(2, {.depth_multiplier = 2, .use_bias = false});
  d(Tensor::ones({1, 3, 2}));
  d.set_weights({Tensor::from_vector<float>({1.f, 2.f, 3.f, 4.f, 10.f, 20.f, 30.f, 40.f}, {2, 2, 2})});
  const Tensor x = Tensor::from_vector<float>({1.f, 0.f, 0.f, 1.f, 0.f, 0.f}, {1, 3, 2});
  // out[t, c*2+m] = x[t, c] k[0, c, m] + x[t+1, c] k[1, c, m]
  EXPECT_EQ(d(x).to_vector<float>(), (std::vector<float>{1, 2, 30, 40, 0, 0, 3, 4}));
}

// Smooth activations only: finite differences across relu's kink depend on the weights
// drawn, which depend on the tests run before in the same process.
TEST(SeparableConv1D, Modes) {
  run_layer_test([] { return LayerHandle(SeparableConv1D(4, 3, {.padding = "same"})); }, {2, 8, 3}, {2, 8, 4});
  run_layer_test(
      [] { return LayerHandle(SeparableConv1D(5, 3, {.strides = 2, .depth_multiplier = 2, .activation = "sigmoid"})); },
      {2, 11, 2}, {2, 5, 5});
  run_layer_test([] { return LayerHandle(SeparableConv1D(3, 3, {.dilation_rate = 2, .use_bias = false})); }, {2, 9, 2},
                 {2, 5, 3});
  run_layer_test(
      [] { return LayerHandle(SeparableConv1D(3, 2, {.data_format = "channels_first", .depth_multiplier = 2})); },
      {1, 2, 6}, {1, 3, 5});
}

TEST(SeparableConv1D, WeightsAndConfigAsKeras) {
  SeparableConv1D s(8, 3, {.depth_multiplier = 2});
  s(Tensor::ones({1, 6, 4}));
  ASSERT_EQ(s.weights().size(), 3u);
  EXPECT_EQ(s.weights()[0].name(), "depthwise_kernel");
  EXPECT_EQ(s.weights()[0].shape(), Shape({3, 4, 2}));
  EXPECT_EQ(s.weights()[1].name(), "pointwise_kernel");
  EXPECT_EQ(s.weights()[1].shape(), Shape({1, 8, 8}));
  EXPECT_EQ(s.weights()[2].shape(), Shape({8}));
  const std::vector<std::string> want = {"name",
                                         "trainable",
                                         "dtype",
                                         "depth_multiplier",
                                         "filters",
                                         "kernel_size",
                                         "strides",
                                         "padding",
                                         "data_format",
                                         "dilation_rate",
                                         "activation",
                                         "use_bias",
                                         "depthwise_initializer",
                                         "pointwise_initializer",
                                         "bias_initializer",
                                         "depthwise_regularizer",
                                         "pointwise_regularizer",
                                         "bias_regularizer",
                                         "activity_regularizer",
                                         "depthwise_constraint",
                                         "pointwise_constraint",
                                         "bias_constraint"};
  EXPECT_EQ(keys_of(s.get_config()), want);
}

TEST(ConvFamily, ChannelsFirst) {
  // The same layer on channels_first data gives the channels_last numbers, transposed.
  auto same_numbers = [](LayerHandle last, LayerHandle first, const Tensor& x) {
    const int64_t r = x.rank();
    std::vector<int64_t> to_first{0, r - 1}, to_last{0};
    for (int64_t d = 1; d < r - 1; ++d) to_first.push_back(d);
    for (int64_t d = 2; d < r; ++d) to_last.push_back(d);
    to_last.push_back(1);
    const Tensor xf = ops::transpose(x, to_first);
    (*last)(x, false);
    (*first)(xf, false);
    first->set_weights(last->get_weights());
    testing::expect_allclose((*first)(xf, false), ops::transpose((*last)(x, false), to_first), 1e-6, 1e-6,
                             last->class_name());
    EXPECT_EQ(first->compute_output_shape(std::vector<Shape>{xf.shape()}).at(0),
              ops::transpose((*last)(x, false), to_first).shape());
  };
  const Tensor x1 = testing::random_tensor({2, 7, 3}, 1), x2 = testing::random_tensor({2, 6, 5, 3}, 2);
  const Tensor x3 = testing::random_tensor({1, 4, 5, 3, 2}, 3);
  same_numbers(Conv1D(4, 3, {.padding = "causal"}),
               Conv1D(4, 3, {.padding = "causal", .data_format = "channels_first"}), x1);
  same_numbers(Conv2D(4, 3, {.strides = 2, .activation = "relu"}),
               Conv2D(4, 3, {.strides = 2, .data_format = "channels_first", .activation = "relu"}), x2);
  same_numbers(Conv3D(2, 2, {.padding = "same"}), Conv3D(2, 2, {.padding = "same", .data_format = "channels_first"}),
               x3);
  same_numbers(DepthwiseConv2D(3, {.depth_multiplier = 2}),
               DepthwiseConv2D(3, {.depth_multiplier = 2, .data_format = "channels_first"}), x2);
  same_numbers(SeparableConv2D(4, 2), SeparableConv2D(4, 2, {.data_format = "channels_first"}), x2);
  same_numbers(SeparableConv1D(4, 2, {.padding = "same"}),
               SeparableConv1D(4, 2, {.padding = "same", .data_format = "channels_first"}), x1);
  run_layer_test([] { return LayerHandle(Conv2D(3, 2, {.data_format = "channels_first"})); }, {2, 2, 5, 4},
                 {2, 3, 4, 3});
  Conv2D c(3, 2, {.data_format = "channels_first", .name = "cf"});
  c(Tensor::ones({1, 2, 5, 5}));
  EXPECT_EQ(c.weights()[0].shape(), Shape({2, 2, 2, 3}));
  expect_error<ValueError>([&] { c(Tensor::ones({1, 5, 5, 2})); }, {"\"cf\"", "axis 1", "value 2", "(1, 5, 5, 2)"});
}

TEST(ConvFamily, OneDErrors) {
  expect_error<ValueError>([] { DepthwiseConv1D(3, {.depth_multiplier = 0, .name = "dw"}); },
                           {"\"dw\"", "depth_multiplier", "depth_multiplier=0"});
  expect_error<ValueError>([] { DepthwiseConv1D(3, {.strides = 2, .dilation_rate = 2}); },
                           {"strides > 1", "dilation_rate > 1"});
  expect_error<ValueError>([] { SeparableConv1D(0, 3); }, {"filters", "filters=0"});
  expect_error<ValueError>([] { SeparableConv1D(2, 0); }, {"kernel_size", "(0,)"});
  expect_error<ValueError>([] { DepthwiseConv1D(3, {.data_format = "nwc"}); }, {"data_format", "nwc"});
  DepthwiseConv1D d(3, {.name = "dw"});
  expect_error<ValueError>([&] { d(Tensor::ones({2, 5})); }, {"\"dw\"", "min_ndim=3", "(2, 5)"});
  expect_error<ValueError>([&] { d(Tensor::ones({1, 2, 3})); }, {"(1, 2, 3)"});  // shorter than the kernel
  d(Tensor::ones({1, 5, 3}));
  expect_error<ValueError>([&] { d(Tensor::ones({1, 5, 4})); }, {"\"dw\"", "axis -1", "value 3"});
  SeparableConv1D s(2, 3, {.name = "sep"});
  expect_error<ValueError>([&] { s(Tensor::ones({1, 2, 5, 3})); }, {"(1, 2, 5, 3)"});
}

}  // namespace
}  // namespace keras::layers
