#include "keras/layers/convolutional/conv2d.h"

#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;

TEST(Conv2D, OutputShapes) {
  struct C { Conv2D layer; Shape in, out; };
  std::vector<C> cases;
  cases.push_back({Conv2D(32, {3, 3}), {2, 28, 28, 1}, {2, 26, 26, 32}});
  cases.push_back({Conv2D(6, 3, {.strides = 2, .padding = "same"}), {2, 9, 9, 2}, {2, 5, 5, 6}});
  cases.push_back({Conv2D(4, 3, {.padding = "same", .dilation_rate = 2}), {1, 8, 7, 2}, {1, 8, 7, 4}});
  cases.push_back({Conv2D(3, {2, 4}, {.strides = {1, 2}}), {3, 6, 9, 3}, {3, 5, 3, 3}});
  cases.push_back({Conv2D(4, 3, {.groups = 2}), {1, 5, 5, 4}, {1, 3, 3, 4}});
  for (auto& c : cases) {
    EXPECT_EQ(c.layer(Tensor::ones(c.in)).shape(), c.out);
    Shape sym = c.in;
    sym[0] = kNone;
    Shape want = c.out;
    want[0] = kNone;
    EXPECT_EQ(c.layer.compute_output_shape(sym), want);
  }
}

TEST(Conv2D, WeightsAsKeras) {
  Conv2D c(32, {3, 3});
  c(Tensor::ones({1, 28, 28, 1}));
  ASSERT_EQ(c.weights().size(), 2u);
  EXPECT_EQ(c.weights()[0].shape(), Shape({3, 3, 1, 32}));
  EXPECT_EQ(c.weights()[1].shape(), Shape({32}));
  EXPECT_EQ(c.count_params(), 320);
  Conv2D g(4, 3, {.groups = 2, .use_bias = false});
  g(Tensor::ones({1, 5, 5, 6}));
  ASSERT_EQ(g.weights().size(), 1u);
  EXPECT_EQ(g.weights()[0].shape(), Shape({3, 3, 3, 4}));
}

TEST(Conv2D, Gradients) {
  Conv2D valid(3, {3, 3}, {.activation = "tanh"});
  testing::check_layer_gradients(valid, testing::random_tensor({2, 5, 6, 2}, 1));
  Conv2D same(2, {3, 3}, {.strides = 2, .padding = "same"});
  testing::check_layer_gradients(same, testing::random_tensor({2, 6, 5, 3}, 2));
  Conv2D dilated(2, {2, 2}, {.dilation_rate = {2, 1}, .use_bias = false});
  testing::check_layer_gradients(dilated, testing::random_tensor({1, 6, 5, 2}, 3));
  Conv2D grouped(4, {2, 2}, {.groups = 2});
  testing::check_layer_gradients(grouped, testing::random_tensor({1, 4, 4, 4}, 4));
}

TEST(Conv2D, Errors) {
  expect_error<ValueError>([] { Conv2D(0, 3); }, {"filters", "Received filters=0"});
  expect_error<ValueError>([] { Conv2D(4, 3, {.strides = 2, .dilation_rate = 2}); }, {"strides > 1", "dilation_rate > 1"});
  expect_error<ValueError>([] { Conv2D(4, 3, {.padding = "causal"}); }, {"padding", "causal"});
  expect_error<ValueError>([] { Conv2D(4, 3, {.data_format = "channels_middle"}); },
                           {"data_format", "channels_middle"});
  expect_error<ValueError>([] { Conv2D(5, 3, {.groups = 2}); }, {"divisible", "groups=2", "filters=5"});
  expect_error<ValueError>([] { Conv2D(4, {3, 0}); }, {"kernel_size"});
  Conv2D c(4, 3, {.name = "conv"});
  expect_error<ValueError>([&] { c(Tensor::ones({2, 28, 28})); }, {"\"conv\"", "min_ndim=4", "found ndim=3", "(2, 28, 28)"});
  c(Tensor::ones({1, 5, 5, 3}));
  expect_error<ValueError>([&] { c(Tensor::ones({1, 5, 5, 2})); }, {"\"conv\"", "axis -1", "value 3", "(1, 5, 5, 2)"});
  Conv2D big(2, 5);
  expect_error<ValueError>([&] { big(Tensor::ones({1, 3, 3, 1})); }, {"(1, 3, 3, 1)"});
  Conv2D g(4, 3, {.groups = 4});
  expect_error<ValueError>([&] { g(Tensor::ones({1, 5, 5, 6})); }, {"groups=4", "6 channels"});
}

}  // namespace
}  // namespace keras::layers
