// Xception (keras/src/applications/xception.py): entry flow of strided separable blocks
// with 1x1 residual convolutions, eight middle blocks, exit flow.
#include "keras/applications/xception.h"

#include "applications/builder.h"
#include "keras/layers/activations/activation.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/convolutional/separable_conv2d.h"
#include "keras/layers/merging/add.h"
#include "keras/layers/normalization/batch_normalization.h"
#include "keras/layers/pooling/max_pooling2d.h"

namespace keras::applications {

using layers::KerasTensor;
namespace L = layers;

namespace {

KerasTensor bn(const KerasTensor& x, const std::string& name = "") {
  return L::BatchNormalization({.axis = -1, .name = name})(x);
}
KerasTensor relu(const KerasTensor& x, const std::string& name) { return L::Activation("relu", {.name = name})(x); }
KerasTensor sepconv_bn(const KerasTensor& x, int64_t filters, const std::string& name) {
  return bn(L::SeparableConv2D(filters, 3, {.padding = "same", .use_bias = false, .name = name})(x), name + "_bn");
}
KerasTensor residual(const KerasTensor& x, int64_t filters) {
  return bn(L::Conv2D(filters, 1, {.strides = 2, .padding = "same", .use_bias = false})(x));
}
KerasTensor pool_add(const KerasTensor& x, const KerasTensor& shortcut, const std::string& name) {
  const KerasTensor y = L::MaxPooling2D(3, {.strides = 2, .padding = "same", .name = name})(x);
  return L::Add()({y, shortcut});
}

}  // namespace

std::shared_ptr<models::Model> Xception(ApplicationOptions o) {
  detail::check_weights(o, "xception");
  const KerasTensor img_input = detail::image_input(o, detail::input_shape(o, 299, 71, o.include_top));
  KerasTensor x = L::Conv2D(32, 3, {.strides = 2, .use_bias = false, .name = "block1_conv1"})(img_input);
  x = relu(bn(x, "block1_conv1_bn"), "block1_conv1_act");
  x = L::Conv2D(64, 3, {.use_bias = false, .name = "block1_conv2"})(x);
  x = relu(bn(x, "block1_conv2_bn"), "block1_conv2_act");

  KerasTensor shortcut = residual(x, 128);
  x = sepconv_bn(x, 128, "block2_sepconv1");
  x = sepconv_bn(relu(x, "block2_sepconv2_act"), 128, "block2_sepconv2");
  x = pool_add(x, shortcut, "block2_pool");

  for (auto [block, filters] : std::array<std::pair<int, int64_t>, 2>{{{3, 256}, {4, 728}}}) {
    const std::string p = "block" + std::to_string(block);
    shortcut = residual(x, filters);
    x = sepconv_bn(relu(x, p + "_sepconv1_act"), filters, p + "_sepconv1");
    x = sepconv_bn(relu(x, p + "_sepconv2_act"), filters, p + "_sepconv2");
    x = pool_add(x, shortcut, p + "_pool");
  }
  for (int i = 0; i < 8; ++i) {
    shortcut = x;
    const std::string p = "block" + std::to_string(i + 5);
    for (int k = 1; k <= 3; ++k) {
      const std::string conv = p + "_sepconv" + std::to_string(k);
      x = sepconv_bn(relu(x, conv + "_act"), 728, conv);
    }
    x = L::Add()({x, shortcut});
  }
  shortcut = residual(x, 1024);
  x = sepconv_bn(relu(x, "block13_sepconv1_act"), 728, "block13_sepconv1");
  x = sepconv_bn(relu(x, "block13_sepconv2_act"), 1024, "block13_sepconv2");
  x = pool_add(x, shortcut, "block13_pool");
  x = relu(sepconv_bn(x, 1536, "block14_sepconv1"), "block14_sepconv1_act");
  x = relu(sepconv_bn(x, 2048, "block14_sepconv2"), "block14_sepconv2_act");
  // Xception's feature pooling layers (include_top = false) keep automatic names.
  x = o.include_top ? detail::pooled_top(x, o) : detail::unnamed_pooling(x, o.pooling);
  return detail::finish(
      o, img_input, x, "xception",
      {"https://storage.googleapis.com/tensorflow/keras-applications/xception/",
       "xception_weights_tf_dim_ordering_tf_kernels.h5", "xception_weights_tf_dim_ordering_tf_kernels_notop.h5"});
}

Tensor xception::preprocess_input(const Tensor& x, const std::string& data_format) {
  return imagenet_utils::preprocess_input(x, data_format, "tf");
}

}  // namespace keras::applications
