// DenseNet (keras/src/applications/densenet.py): dense blocks of concatenated 3x3 growth
// convolutions, halved by transition blocks.
#include "keras/applications/densenet.h"

#include "applications/builder.h"
#include "keras/layers/activations/activation.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/merging/concatenate.h"
#include "keras/layers/normalization/batch_normalization.h"
#include "keras/layers/pooling/average_pooling2d.h"
#include "keras/layers/pooling/max_pooling2d.h"
#include "keras/layers/reshaping/zero_padding2d.h"

namespace keras::applications {

using layers::KerasTensor;
namespace L = layers;

namespace {

constexpr int64_t kBnAxis = 3;

KerasTensor bn_relu(const KerasTensor& x, const std::string& bn_name, const std::string& relu_name) {
  const KerasTensor y = L::BatchNormalization({.axis = kBnAxis, .epsilon = 1.001e-5, .name = bn_name})(x);
  return L::Activation("relu", {.name = relu_name})(y);
}

KerasTensor conv_block(const KerasTensor& x, int64_t growth_rate, const std::string& name) {
  KerasTensor x1 = bn_relu(x, name + "_0_bn", name + "_0_relu");
  x1 = L::Conv2D(4 * growth_rate, 1, {.use_bias = false, .name = name + "_1_conv"})(x1);
  x1 = bn_relu(x1, name + "_1_bn", name + "_1_relu");
  x1 = L::Conv2D(growth_rate, 3, {.padding = "same", .use_bias = false, .name = name + "_2_conv"})(x1);
  return L::Concatenate(kBnAxis, {.name = name + "_concat"})({x, x1});
}

KerasTensor dense_block(KerasTensor x, int blocks, const std::string& name) {
  for (int i = 0; i < blocks; ++i) x = conv_block(x, 32, name + "_block" + std::to_string(i + 1));
  return x;
}

KerasTensor transition_block(const KerasTensor& x, double reduction, const std::string& name) {
  KerasTensor y = bn_relu(x, name + "_bn", name + "_relu");
  const auto channels = static_cast<double>(y.shape[kBnAxis]);
  y = L::Conv2D(static_cast<int64_t>(channels * reduction), 1, {.use_bias = false, .name = name + "_conv"})(y);
  return L::AveragePooling2D(2, {.strides = 2, .name = name + "_pool"})(y);
}

std::shared_ptr<models::Model> build(const ApplicationOptions& o, std::array<int, 4> blocks, const std::string& name) {
  detail::check_weights(o, name);
  const KerasTensor img_input = detail::image_input(o, detail::input_shape(o, 224, 32, o.include_top));
  KerasTensor x = L::ZeroPadding2D({{3, 3}, {3, 3}})(img_input);
  x = L::Conv2D(64, 7, {.strides = 2, .use_bias = false, .name = "conv1_conv"})(x);
  x = bn_relu(x, "conv1_bn", "conv1_relu");
  x = L::ZeroPadding2D({{1, 1}, {1, 1}})(x);
  x = L::MaxPooling2D(3, {.strides = 2, .name = "pool1"})(x);
  for (size_t b = 0; b < 4; ++b) {
    x = dense_block(x, blocks[b], "conv" + std::to_string(b + 2));
    if (b < 3) x = transition_block(x, 0.5, "pool" + std::to_string(b + 2));
  }
  x = bn_relu(x, "bn", "relu");
  x = detail::pooled_top(x, o);
  const std::string stem = name + "_weights_tf_dim_ordering_tf_kernels";
  return detail::finish(
      o, img_input, x, name,
      {"https://storage.googleapis.com/tensorflow/keras-applications/densenet/", stem + ".h5", stem + "_notop.h5"});
}

}  // namespace

std::shared_ptr<models::Model> DenseNet121(ApplicationOptions o) { return build(o, {6, 12, 24, 16}, "densenet121"); }
std::shared_ptr<models::Model> DenseNet169(ApplicationOptions o) { return build(o, {6, 12, 32, 32}, "densenet169"); }
std::shared_ptr<models::Model> DenseNet201(ApplicationOptions o) { return build(o, {6, 12, 48, 32}, "densenet201"); }

Tensor densenet::preprocess_input(const Tensor& x, const std::string& data_format) {
  return imagenet_utils::preprocess_input(x, data_format, "torch");
}

}  // namespace keras::applications
