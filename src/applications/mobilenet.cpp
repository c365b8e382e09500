// MobileNet v1 and v2 (keras/src/applications/mobilenet.py, mobilenet_v2.py).
#include "keras/applications/mobilenet.h"

#include "applications/builder.h"
#include "keras/applications/mobilenet_v2.h"
#include "keras/layers/activations/activation.h"
#include "keras/layers/activations/relu.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/convolutional/depthwise_conv2d.h"
#include "keras/layers/core/dense.h"
#include "keras/layers/merging/add.h"
#include "keras/layers/normalization/batch_normalization.h"
#include "keras/layers/pooling/global_average_pooling2d.h"
#include "keras/layers/regularization/dropout.h"
#include "keras/layers/reshaping/reshape.h"
#include "keras/layers/reshaping/zero_padding2d.h"

namespace keras::applications {

using keras::detail::cat;
using layers::KerasTensor;
namespace L = layers;

namespace {

KerasTensor relu6(const KerasTensor& x, const std::string& name) {
  return L::ReLU({.max_value = 6.0, .name = name})(x);
}

/// Both MobileNets pick the input size their ImageNet files exist for from a square
/// input_shape (or input tensor) of one of `sizes`, else 224.
int64_t default_size(const std::optional<Shape>& input_shape, const std::optional<KerasTensor>& input_tensor,
                     std::initializer_list<int64_t> sizes) {
  int64_t rows = 0, cols = 0;
  if (input_shape && input_shape->rank() == 3) {
    rows = (*input_shape)[0];
    cols = (*input_shape)[1];
  } else if (!input_shape && input_tensor && input_tensor->shape.rank() == 4) {
    rows = input_tensor->shape[1];
    cols = input_tensor->shape[2];
  }
  return rows == cols && std::find(sizes.begin(), sizes.end(), rows) != sizes.end() ? rows : 224;
}

// ---- v1

KerasTensor depthwise_block(const KerasTensor& inputs, int64_t pointwise_filters, double alpha,
                            int64_t depth_multiplier, int64_t stride, int block_id) {
  const std::string id = std::to_string(block_id);
  KerasTensor x = inputs;
  if (stride != 1) x = L::ZeroPadding2D({{0, 1}, {0, 1}}, {.name = "conv_pad_" + id})(inputs);
  x = L::DepthwiseConv2D(3, {.strides = stride,
                             .padding = stride == 1 ? "same" : "valid",
                             .depth_multiplier = depth_multiplier,
                             .use_bias = false,
                             .name = "conv_dw_" + id})(x);
  x = relu6(L::BatchNormalization({.axis = -1, .name = "conv_dw_" + id + "_bn"})(x), "conv_dw_" + id + "_relu");
  x = L::Conv2D(static_cast<int64_t>(static_cast<double>(pointwise_filters) * alpha), 1,
                {.strides = 1, .padding = "same", .use_bias = false, .name = "conv_pw_" + id})(x);
  return relu6(L::BatchNormalization({.axis = -1, .name = "conv_pw_" + id + "_bn"})(x), "conv_pw_" + id + "_relu");
}

// ---- v2

/// mobilenet_v2._make_divisible: v rounded to a multiple of divisor, not below 90% of v.
int64_t make_divisible(double v, int64_t divisor) {
  int64_t new_v =
      std::max<int64_t>(divisor, static_cast<int64_t>(v + static_cast<double>(divisor) / 2) / divisor * divisor);
  if (static_cast<double>(new_v) < 0.9 * v) new_v += divisor;
  return new_v;
}

KerasTensor bn_v2(const KerasTensor& x, const std::string& name) {
  return L::BatchNormalization({.axis = -1, .momentum = 0.999, .epsilon = 1e-3, .name = name})(x);
}

KerasTensor inverted_res_block(const KerasTensor& inputs, int64_t expansion, int64_t stride, double alpha,
                               int64_t filters, int block_id) {
  const int64_t in_channels = inputs.shape.dims().back();
  const int64_t pointwise_filters =
      make_divisible(static_cast<double>(static_cast<int64_t>(static_cast<double>(filters) * alpha)), 8);
  KerasTensor x = inputs;
  std::string prefix = "block_" + std::to_string(block_id) + "_";
  if (block_id) {
    x = L::Conv2D(expansion * in_channels, 1, {.padding = "same", .use_bias = false, .name = prefix + "expand"})(x);
    x = relu6(bn_v2(x, prefix + "expand_BN"), prefix + "expand_relu");
  } else {
    prefix = "expanded_conv_";
  }
  if (stride == 2) x = L::ZeroPadding2D(imagenet_utils::correct_pad(x, 3), {.name = prefix + "pad"})(x);
  x = L::DepthwiseConv2D(
      3,
      {.strides = stride, .padding = stride == 1 ? "same" : "valid", .use_bias = false, .name = prefix + "depthwise"})(
      x);
  x = relu6(bn_v2(x, prefix + "depthwise_BN"), prefix + "depthwise_relu");
  x = L::Conv2D(pointwise_filters, 1, {.padding = "same", .use_bias = false, .name = prefix + "project"})(x);
  x = bn_v2(x, prefix + "project_BN");
  if (in_channels == pointwise_filters && stride == 1) return L::Add({.name = prefix + "add"})({inputs, x});
  return x;
}

}  // namespace

std::shared_ptr<models::Model> MobileNet(MobileNetOptions o) {
  const ApplicationOptions c = detail::common(o);
  detail::check_weights(c, "MobileNet");
  if (o.alpha <= 0) throw ValueError(cat("MobileNet: `alpha` should be positive. Received alpha=", o.alpha));
  if (o.depth_multiplier <= 0)
    throw ValueError(
        cat("MobileNet: `depth_multiplier` should be positive. Received depth_multiplier=", o.depth_multiplier));
  const Shape shape =
      detail::input_shape(c, default_size(o.input_shape, o.input_tensor, {128, 160, 192, 224}), 32, o.include_top);
  int64_t rows = shape[0];
  if (detail::imagenet(c)) {
    if (o.depth_multiplier != 1)
      throw ValueError(
          cat("If imagenet weights are being loaded, depth multiplier must be 1.  Received depth_multiplier=",
              o.depth_multiplier));
    if (o.alpha != 0.25 && o.alpha != 0.5 && o.alpha != 0.75 && o.alpha != 1.0)
      throw ValueError(
          cat("If imagenet weights are being loaded, alpha can be one of`0.25`, `0.50`, `0.75` or `1.0` "
              "only.  Received alpha=",
              o.alpha));
    if (rows != shape[1] || (rows != 128 && rows != 160 && rows != 192 && rows != 224)) rows = 224;
  }
  const KerasTensor img_input = detail::image_input(c, shape);
  KerasTensor x = L::Conv2D(static_cast<int64_t>(32 * o.alpha), 3,
                            {.strides = 2, .padding = "same", .use_bias = false, .name = "conv1"})(img_input);
  x = relu6(L::BatchNormalization({.axis = -1, .name = "conv1_bn"})(x), "conv1_relu");
  const std::array<std::pair<int64_t, int64_t>, 13> blocks{{{64, 1},
                                                            {128, 2},
                                                            {128, 1},
                                                            {256, 2},
                                                            {256, 1},
                                                            {512, 2},
                                                            {512, 1},
                                                            {512, 1},
                                                            {512, 1},
                                                            {512, 1},
                                                            {512, 1},
                                                            {1024, 2},
                                                            {1024, 1}}};
  for (size_t i = 0; i < blocks.size(); ++i)
    x = depthwise_block(x, blocks[i].first, o.alpha, o.depth_multiplier, blocks[i].second, static_cast<int>(i + 1));
  if (o.include_top) {
    x = L::GlobalAveragePooling2D({.keepdims = true})(x);
    x = L::Dropout(o.dropout, {.name = "dropout"})(x);
    x = L::Conv2D(o.classes, 1, {.padding = "same", .name = "conv_preds"})(x);
    x = L::Reshape({o.classes}, {.name = "reshape_2"})(x);
    imagenet_utils::validate_activation(o.classifier_activation, o.weights);
    x = L::Activation(detail::classifier_activation(c), {.name = "predictions"})(x);
  } else {
    x = detail::unnamed_pooling(x, o.pooling);
  }
  const std::string alpha_text = o.alpha == 1.0 ? "1_0" : o.alpha == 0.75 ? "7_5" : o.alpha == 0.5 ? "5_0" : "2_5";
  const std::string file = "mobilenet_" + alpha_text + "_" + detail::python_size(rows) + "_tf";
  return detail::finish(
      c, img_input, x, "mobilenet_" + detail::fixed2(o.alpha) + "_" + detail::python_size(rows),
      {"https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/", file + ".h5", file + "_no_top.h5"});
}

std::shared_ptr<models::Model> MobileNetV2(MobileNetV2Options o) {
  const ApplicationOptions c = detail::common(o);
  detail::check_weights(c, "MobileNetV2");
  if (o.alpha <= 0) throw ValueError(cat("MobileNetV2: `alpha` should be positive. Received alpha=", o.alpha));
  const Shape shape =
      detail::input_shape(c, default_size(o.input_shape, o.input_tensor, {96, 128, 160, 192, 224}), 32, o.include_top);
  int64_t rows = shape[0];
  if (detail::imagenet(c)) {
    const std::vector<double> alphas{0.35, 0.5, 0.75, 1.0, 1.3, 1.4};
    if (std::find(alphas.begin(), alphas.end(), o.alpha) == alphas.end())
      throw ValueError(
          cat("If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, `0.75`, `1.0`, "
              "`1.3` or `1.4` only; Received `alpha=",
              o.alpha, "`"));
    if (rows != shape[1] || (rows != 96 && rows != 128 && rows != 160 && rows != 192 && rows != 224)) rows = 224;
  }
  const KerasTensor img_input = detail::image_input(c, shape);
  KerasTensor x = L::Conv2D(make_divisible(32 * o.alpha, 8), 3,
                            {.strides = 2, .padding = "same", .use_bias = false, .name = "Conv1"})(img_input);
  x = relu6(bn_v2(x, "bn_Conv1"), "Conv1_relu");
  struct Block {
    int64_t filters, stride, expansion;
  };
  const std::array<Block, 17> blocks{{{16, 1, 1},
                                      {24, 2, 6},
                                      {24, 1, 6},
                                      {32, 2, 6},
                                      {32, 1, 6},
                                      {32, 1, 6},
                                      {64, 2, 6},
                                      {64, 1, 6},
                                      {64, 1, 6},
                                      {64, 1, 6},
                                      {96, 1, 6},
                                      {96, 1, 6},
                                      {96, 1, 6},
                                      {160, 2, 6},
                                      {160, 1, 6},
                                      {160, 1, 6},
                                      {320, 1, 6}}};
  for (size_t i = 0; i < blocks.size(); ++i)
    x = inverted_res_block(x, blocks[i].expansion, blocks[i].stride, o.alpha, blocks[i].filters, static_cast<int>(i));
  const int64_t last_filters = o.alpha > 1.0 ? make_divisible(1280 * o.alpha, 8) : 1280;
  x = L::Conv2D(last_filters, 1, {.use_bias = false, .name = "Conv_1"})(x);
  x = relu6(bn_v2(x, "Conv_1_bn"), "out_relu");
  if (o.include_top) {
    x = L::GlobalAveragePooling2D()(x);
    imagenet_utils::validate_activation(o.classifier_activation, o.weights);
    x = L::Dense(o.classes, detail::classifier_activation(c), {.name = "predictions"})(x);
  } else {
    x = detail::unnamed_pooling(x, o.pooling);
  }
  const std::string file = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_" + detail::python_float(o.alpha) + "_" +
                           detail::python_size(rows);
  return detail::finish(c, img_input, x, "mobilenetv2_" + detail::fixed2(o.alpha) + "_" + detail::python_size(rows),
                        {"https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/", file + ".h5",
                         file + "_no_top.h5"});
}

Tensor mobilenet::preprocess_input(const Tensor& x, const std::string& data_format) {
  return imagenet_utils::preprocess_input(x, data_format, "tf");
}

Tensor mobilenet_v2::preprocess_input(const Tensor& x, const std::string& data_format) {
  return imagenet_utils::preprocess_input(x, data_format, "tf");
}

}  // namespace keras::applications
