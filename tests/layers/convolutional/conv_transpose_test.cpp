// Conv1DTranspose, Conv2DTranspose, Conv3DTranspose: shapes, gradients (inputs and
// weights) in every mode, values against Keras's definition, configs as Keras writes
// them, errors.
#include <type_traits>

#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;
using testing::run_layer_test;

TEST(Conv1DTranspose, Modes) {
  run_layer_test([] { return LayerHandle(Conv1DTranspose(4, 3)); }, {2, 5, 3}, {2, 7, 4});
  run_layer_test([] { return LayerHandle(Conv1DTranspose(3, 3, {.strides = 2, .padding = "same"})); }, {2, 5, 2},
                 {2, 10, 3});
  run_layer_test([] { return LayerHandle(Conv1DTranspose(3, 4, {.strides = 3, .output_padding = 1})); }, {2, 4, 2},
                 {2, 14, 3});
  run_layer_test(
      [] { return LayerHandle(Conv1DTranspose(2, 3, {.strides = 2, .padding = "same", .output_padding = 0})); },
      {2, 4, 2}, {2, 7, 2});
  run_layer_test([] { return LayerHandle(Conv1DTranspose(2, 2, {.strides = 3})); }, {2, 4, 2}, {2, 12, 2});  // k < s
  run_layer_test(
      [] { return LayerHandle(Conv1DTranspose(3, 3, {.dilation_rate = 2, .activation = "tanh", .use_bias = false})); },
      {2, 5, 2}, {2, 9, 3});
  run_layer_test([] { return LayerHandle(Conv1DTranspose(3, 3, {.strides = 2, .data_format = "channels_first"})); },
                 {2, 2, 5}, {2, 3, 11});
}

TEST(Conv2DTranspose, Modes) {
  run_layer_test([] { return LayerHandle(Conv2DTranspose(3, 3, {.strides = 2})); }, {2, 3, 4, 2}, {2, 7, 9, 3});
  run_layer_test([] { return LayerHandle(Conv2DTranspose(4, 3, {.strides = 2, .padding = "same"})); }, {2, 4, 4, 3},
                 {2, 8, 8, 4});
  run_layer_test(
      [] {
        return LayerHandle(Conv2DTranspose(
            2, {3, 4}, {.strides = {2, 3}, .padding = "same", .output_padding = Size2{1, 2}, .use_bias = false}));
      },
      {1, 3, 3, 2}, {1, 6, 8, 2});
  run_layer_test(
      [] {
        return LayerHandle(Conv2DTranspose(3, 3, {.padding = "same", .dilation_rate = {2, 1}, .activation = "sigmoid"}));
      },
      {2, 4, 5, 2}, {2, 4, 5, 3});
  run_layer_test([] { return LayerHandle(Conv2DTranspose(2, 2, {.strides = 2, .data_format = "channels_first"})); },
                 {1, 3, 3, 4}, {1, 2, 6, 8});
}

TEST(Conv3DTranspose, Modes) {
  run_layer_test([] { return LayerHandle(Conv3DTranspose(2, 3, {.strides = 2, .padding = "same"})); }, {1, 2, 3, 3, 2},
                 {1, 4, 6, 6, 2});
  run_layer_test(
      [] {
        return LayerHandle(Conv3DTranspose(3, {2, 3, 2}, {.strides = {1, 2, 2}, .output_padding = Size3{0, 1, 1}}));
      },
      {1, 2, 2, 3, 2}, {1, 3, 6, 7, 3});
  run_layer_test(
      [] {
        return LayerHandle(Conv3DTranspose(2, 2, {.data_format = "channels_first", .dilation_rate = {1, 2, 1}}));
      },
      {1, 2, 2, 3, 2}, {1, 2, 3, 5, 3});
}

TEST(Conv1DTranspose, ValuesByHand) {
  // Each input step places a copy of the kernel, scaled, `stride` steps after the last.
  Conv1DTranspose t(1, 2, {.strides = 2, .use_bias = false});
  t(Tensor::ones({1, 3, 1}));
  t.set_weights({Tensor::from_vector<float>({1.f, 10.f}, {2, 1, 1})});
  EXPECT_EQ(t(Tensor::from_vector<float>({1.f, 2.f, 3.f}, {1, 3, 1})).to_vector<float>(),
            (std::vector<float>{1, 10, 2, 20, 3, 30}));
  // Overlapping windows add up; output_padding appends a cell no window reaches (bias only).
  Conv1DTranspose o(1, 3, {.strides = 2, .output_padding = 1, .bias_initializer = "ones"});
  o(Tensor::ones({1, 2, 1}));
  o.set_weights({Tensor::from_vector<float>({1.f, 2.f, 3.f}, {3, 1, 1}), Tensor::from_vector<float>({0.5f}, {1})});
  EXPECT_EQ(o(Tensor::from_vector<float>({1.f, 10.f}, {1, 2, 1})).to_vector<float>(),
            (std::vector<float>{1.5f, 2.5f, 13.5f, 20.5f, 30.5f, 0.5f}));
}

/// Keras's definition of a 1-D transposed convolution (jax.lax.conv_transpose with the
/// padding of backend_utils.py), written out with plain loops.
std::vector<float> keras_conv_transpose_1d(const std::vector<float>& x, int64_t n, int64_t c,
                                           const std::vector<float>& w, int64_t k, int64_t filters, int64_t s,
                                           const std::string& padding, std::optional<int64_t> op, int64_t dil) {
  const int64_t d = (k - 1) * dil + 1;
  int64_t left = d - 1, right = d - 1 + op.value_or(std::max(d, s) - d);
  if (padding == "same") {
    const int64_t total = op ? d + d % 2 - 2 + *op : s + d - 2;
    left = std::min(total / 2 + total % 2, d - 1);
    right = total - left;
  }
  const int64_t zlen = left + (n - 1) * s + 1 + right, out = zlen - d + 1;
  std::vector<float> y(static_cast<size_t>(out * filters), 0.f);
  for (int64_t i = 0; i < out; ++i)
    for (int64_t kk = 0; kk < k; ++kk) {
      const int64_t z = i + kk * dil - left;  // position in the stride-dilated input
      if (z < 0 || z % s != 0 || z / s >= n) continue;
      for (int64_t f = 0; f < filters; ++f)
        for (int64_t ch = 0; ch < c; ++ch)
          y[static_cast<size_t>(i * filters + f)] +=
              x[static_cast<size_t>(z / s * c + ch)] * w[static_cast<size_t>(((k - 1 - kk) * filters + f) * c + ch)];
    }
  return y;
}

TEST(Conv1DTranspose, MatchesKerasDefinition) {
  struct C {
    int64_t n, k, s;
    std::string padding;
    std::optional<int64_t> op;
    int64_t dil;
  };
  const std::vector<C> cases = {{5, 3, 1, "valid", {}, 1}, {5, 3, 2, "same", {}, 1},  {4, 4, 3, "valid", 1, 1},
                                {4, 3, 2, "same", 0, 1},   {4, 3, 2, "same", 1, 1},   {4, 4, 2, "same", {}, 1},
                                {4, 4, 2, "same", 1, 1},   {3, 2, 3, "valid", {}, 1}, {3, 1, 3, "same", {}, 1},
                                {6, 3, 1, "same", {}, 3},  {5, 2, 1, "valid", {}, 2}, {3, 5, 4, "same", 3, 1}};
  uint64_t seed = 1;
  for (const auto& c : cases) {
    SCOPED_TRACE(keras::detail::cat(c.n, " k", c.k, " s", c.s, " ", c.padding, " op", c.op ? *c.op : -1, " d", c.dil));
    const Tensor x = testing::random_tensor({1, c.n, 2}, seed++), w = testing::random_tensor({c.k, 3, 2}, seed++);
    const Tensor got = ops::conv_transpose(x, w, {c.s}, c.padding,
                                           c.op ? std::vector<int64_t>{*c.op} : std::vector<int64_t>{}, {c.dil});
    const auto want = keras_conv_transpose_1d(x.to_vector<float>(), c.n, 2, w.to_vector<float>(), c.k, 3, c.s,
                                              c.padding, c.op, c.dil);
    ASSERT_EQ(got.dim(1), static_cast<int64_t>(want.size()) / 3);
    EXPECT_EQ(got.dim(1), ops::conv_transpose_output_length(c.n, c.k, c.s, c.dil, c.padding, c.op));
    testing::expect_allclose(got, Tensor::from_vector<float>(want, got.shape()), 1e-5, 1e-5);
  }
}

TEST(ConvTranspose, ChannelsFirstIsChannelsLastTransposed) {
  Conv2DTranspose last(3, 3, {.strides = 2, .padding = "same", .bias_initializer = "glorot_uniform"});
  Conv2DTranspose first(3, 3, {.strides = 2, .padding = "same", .data_format = "channels_first"});
  const Tensor x = testing::random_tensor({2, 3, 4, 2}, 7);
  last(x);
  first(ops::transpose(x, {0, 3, 1, 2}));
  first.set_weights(last.get_weights());
  testing::expect_allclose(first(ops::transpose(x, {0, 3, 1, 2})), ops::transpose(last(x), {0, 3, 1, 2}), 1e-6, 1e-6);
  EXPECT_EQ(first.compute_output_shape(Shape{kNone, 2, 3, kNone}), Shape({kNone, 3, 6, kNone}));
}

TEST(ConvTranspose, WeightsAndShapesAsKeras) {
  Conv2DTranspose t(4, {3, 2});
  t(Tensor::ones({1, 5, 5, 6}));
  ASSERT_EQ(t.weights().size(), 2u);
  EXPECT_EQ(t.weights()[0].name(), "kernel");
  EXPECT_EQ(t.weights()[0].shape(), Shape({3, 2, 4, 6}));  // (*kernel_size, filters, in_channels)
  EXPECT_EQ(t.weights()[1].name(), "bias");
  EXPECT_EQ(t.weights()[1].shape(), Shape({4}));
  Conv1DTranspose u(5, 3, {.strides = 2, .use_bias = false});
  EXPECT_EQ(u.compute_output_shape(Shape{kNone, kNone, 3}), Shape({kNone, kNone, 5}));
  EXPECT_EQ(u.compute_output_shape(Shape{4, 6, 3}), Shape({4, 13, 5}));
  u(Tensor::ones({1, 6, 3}));
  EXPECT_EQ(u.weights().size(), 1u);
}

TEST(ConvTranspose, ConfigAsKeras) {
  Conv2DTranspose t(2, {3, 4}, {.strides = {2, 3}, .padding = "same", .output_padding = Size2{1, 2}, .name = "ct"});
  const Config c = t.get_config();
  std::vector<std::string> keys;
  for (const auto& [k, v] : c.items()) keys.push_back(k);
  const std::vector<std::string> want = {"name",
                                         "trainable",
                                         "dtype",
                                         "filters",
                                         "kernel_size",
                                         "strides",
                                         "padding",
                                         "output_padding",
                                         "data_format",
                                         "dilation_rate",
                                         "activation",
                                         "use_bias",
                                         "kernel_initializer",
                                         "bias_initializer",
                                         "kernel_regularizer",
                                         "bias_regularizer",
                                         "activity_regularizer",
                                         "kernel_constraint",
                                         "bias_constraint"};
  EXPECT_EQ(keys, want);
  EXPECT_EQ(c["output_padding"], Config::parse("[1, 2]"));
  EXPECT_EQ(c["kernel_size"], Config::parse("[3, 4]"));
  EXPECT_TRUE(Conv1DTranspose(2, 3).get_config()["output_padding"].is_null());  // Keras's None
  // from_config reads what Keras writes, None and an int alike.
  Config k = Conv1DTranspose(2, 3, {.strides = 3}).get_config();
  k["output_padding"] = 2;
  auto read = Conv1DTranspose::from_config(k);
  EXPECT_EQ(read->compute_output_shape(std::vector<Shape>{Shape{kNone, 4, 1}}).at(0), Shape({kNone, 14, 2}));
}

TEST(ConvTranspose, Aliases) {
  static_assert(std::is_same_v<Convolution1DTranspose, Conv1DTranspose>);
  static_assert(std::is_same_v<Convolution2DTranspose, Conv2DTranspose>);
  static_assert(std::is_same_v<Convolution3DTranspose, Conv3DTranspose>);
  static_assert(std::is_same_v<Convolution2D, Conv2D>);
  static_assert(std::is_same_v<MaxPool2D, MaxPooling2D>);
  static_assert(std::is_same_v<AvgPool1D, AveragePooling1D>);
  static_assert(std::is_same_v<GlobalAvgPool3D, GlobalAveragePooling3D>);
  static_assert(std::is_same_v<SeparableConvolution1D, SeparableConv1D>);
  for (const char* alias : {"Convolution1D",
                            "Convolution2D",
                            "Convolution3D",
                            "Convolution1DTranspose",
                            "Convolution2DTranspose",
                            "Convolution3DTranspose",
                            "SeparableConvolution1D",
                            "SeparableConvolution2D",
                            "MaxPool1D",
                            "MaxPool2D",
                            "MaxPool3D",
                            "AvgPool1D",
                            "AvgPool2D",
                            "AvgPool3D",
                            "GlobalMaxPool1D",
                            "GlobalMaxPool2D",
                            "GlobalMaxPool3D",
                            "GlobalAvgPool1D",
                            "GlobalAvgPool2D",
                            "GlobalAvgPool3D"})
    EXPECT_TRUE(is_registered(alias)) << alias;
  // A file naming the class Convolution2DTranspose loads as Conv2DTranspose (Keras's class name).
  Config entry = serialize(*Conv2DTranspose(3, 2, {.strides = 2}).move_to_shared());
  entry["class_name"] = "Convolution2DTranspose";
  auto layer = deserialize(entry);
  EXPECT_EQ(layer->class_name(), "Conv2DTranspose");
  EXPECT_EQ(serialize(*layer)["class_name"], "Conv2DTranspose");
}

TEST(ConvTranspose, Errors) {
  expect_error<ValueError>(
      [] { Conv2DTranspose(4, 3, {.strides = 2, .output_padding = 2, .name = "up"}); },
      {"\"up\"", "`output_padding` must be strictly less than `strides`", "output_padding=(2, 2)", "strides=(2, 2)"});
  expect_error<ValueError>([] { Conv1DTranspose(4, 3, {.output_padding = 1}); },
                           {"output_padding=(1,)", "strides=(1,)"});
  expect_error<ValueError>([] { Conv1DTranspose(4, 3, {.strides = 2, .output_padding = -1}); },
                           {"output_padding", "non-negative"});
  expect_error<ValueError>([] { Conv2DTranspose(0, 3); }, {"filters", "Received filters=0"});
  expect_error<ValueError>([] { Conv2DTranspose(4, {3, 0}); }, {"kernel_size", "(3, 0)"});
  expect_error<ValueError>([] { Conv3DTranspose(4, 3, {.strides = 0}); }, {"strides", "(0, 0, 0)"});
  expect_error<ValueError>([] { Conv2DTranspose(4, 3, {.strides = 2, .dilation_rate = 2}); },
                           {"strides > 1", "dilation_rate > 1"});
  expect_error<ValueError>([] { Conv1DTranspose(4, 3, {.padding = "causal"}); }, {"padding", "causal"});
  expect_error<ValueError>([] { Conv2DTranspose(4, 3, {.data_format = "channels_middle"}); },
                           {"data_format", "channels_middle"});

  // Bad inputs: clear errors naming the layer and the shape, never a crash.
  Conv2DTranspose t(4, 3, {.strides = 2, .name = "up"});
  expect_error<ValueError>([&] { t(Tensor::ones({2, 5, 5})); }, {"\"up\"", "min_ndim=4", "found ndim=3", "(2, 5, 5)"});
  t(Tensor::ones({1, 5, 5, 3}));
  expect_error<ValueError>([&] { t(Tensor::ones({1, 5, 5, 2})); }, {"\"up\"", "axis -1", "value 3", "(1, 5, 5, 2)"});
  expect_error<ValueError>([&] { t(Tensor::ones({1, 2, 5, 5, 3})); }, {"(1, 2, 5, 5, 3)"});
  expect_error<ValueError>([&] { t(Tensor::ones({1, 0, 5, 3})); }, {"(1, 0, 5, 3)"});
  Conv1DTranspose cf(2, 3, {.data_format = "channels_first", .name = "cf"});
  cf(Tensor::ones({1, 4, 6}));
  expect_error<ValueError>([&] { cf(Tensor::ones({1, 6, 4})); }, {"\"cf\"", "axis 1", "value 4"});
  expect_error<ValueError>(
      [] {
        ops::conv_transpose(Tensor::ones({1, 4, 2}), Tensor::ones({3, 2, 5}), {1}, "valid", {}, {1});
      },
      {"conv_transpose", "(3, 2, 5)", "(1, 4, 2)"});
  expect_error<ValueError>(
      [] {
        ops::conv_transpose(Tensor::ones({1, 4, 2}), Tensor::ones({3, 2, 2}), {2}, "valid", {2}, {1});
      },
      {"output_padding"});
}

TEST(ConvTranspose, EmptyBatch) {
  Conv2DTranspose t(3, 3, {.strides = 2, .padding = "same"});
  const Tensor y = t(Tensor::ones({0, 4, 4, 2}));
  EXPECT_EQ(y.shape(), Shape({0, 8, 8, 3}));
  Tensor x = Tensor::ones({0, 4, 4, 2});
  x.set_requires_grad(true);
  autograd::GradientTape tape;
  const Tensor loss = ops::sum(t(x));
  const auto grads = tape.gradient(loss, TensorList{x, t.weights()[0].value()});
  EXPECT_EQ(grads[0].shape(), x.shape());
  EXPECT_EQ(grads[1].shape(), Shape({3, 3, 3, 2}));
}

}  // namespace
}  // namespace keras::layers
