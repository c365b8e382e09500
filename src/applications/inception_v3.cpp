// InceptionV3 (keras/src/applications/inception_v3.py). Layers are created in Keras's
// order: the unnamed ones take automatic names (conv2d_12, batch_normalization_12) that
// Keras's ImageNet files use.
#include "keras/applications/inception_v3.h"

#include "applications/builder.h"
#include "keras/layers/activations/activation.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/merging/concatenate.h"
#include "keras/layers/normalization/batch_normalization.h"
#include "keras/layers/pooling/average_pooling2d.h"
#include "keras/layers/pooling/max_pooling2d.h"

namespace keras::applications {

using layers::KerasTensor;
namespace L = layers;

namespace {

constexpr int64_t kChannelAxis = 3;

KerasTensor conv2d_bn(const KerasTensor& x, int64_t filters, int64_t rows, int64_t cols,
                      const std::string& padding = "same", int64_t strides = 1) {
  KerasTensor y = L::Conv2D(filters, {rows, cols}, {.strides = strides, .padding = padding, .use_bias = false})(x);
  y = L::BatchNormalization({.axis = kChannelAxis, .scale = false})(y);
  return L::Activation("relu")(y);
}

KerasTensor avg_pool_same(const KerasTensor& x) { return L::AveragePooling2D(3, {.strides = 1, .padding = "same"})(x); }

KerasTensor concat(const layers::KerasTensors& xs, const std::string& name = "") {
  return L::Concatenate(kChannelAxis, {.name = name})(xs);
}

}  // namespace

std::shared_ptr<models::Model> InceptionV3(ApplicationOptions o) {
  detail::check_weights(o, "inception_v3");
  const KerasTensor img_input = detail::image_input(o, detail::input_shape(o, 299, 75, o.include_top));
  KerasTensor x = conv2d_bn(img_input, 32, 3, 3, "valid", 2);
  x = conv2d_bn(x, 32, 3, 3, "valid");
  x = conv2d_bn(x, 64, 3, 3);
  x = L::MaxPooling2D(3, {.strides = 2})(x);
  x = conv2d_bn(x, 80, 1, 1, "valid");
  x = conv2d_bn(x, 192, 3, 3, "valid");
  x = L::MaxPooling2D(3, {.strides = 2})(x);

  // mixed 0, 1, 2: 35 x 35 x 256, 288, 288
  for (int i = 0; i < 3; ++i) {
    const KerasTensor branch1x1 = conv2d_bn(x, 64, 1, 1);
    KerasTensor branch5x5 = conv2d_bn(x, 48, 1, 1);
    branch5x5 = conv2d_bn(branch5x5, 64, 5, 5);
    KerasTensor branch3x3dbl = conv2d_bn(x, 64, 1, 1);
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3);
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3);
    const KerasTensor branch_pool = conv2d_bn(avg_pool_same(x), i == 0 ? 32 : 64, 1, 1);
    x = concat({branch1x1, branch5x5, branch3x3dbl, branch_pool}, "mixed" + std::to_string(i));
  }
  {  // mixed 3: 17 x 17 x 768
    const KerasTensor branch3x3 = conv2d_bn(x, 384, 3, 3, "valid", 2);
    KerasTensor branch3x3dbl = conv2d_bn(x, 64, 1, 1);
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3);
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3, "valid", 2);
    const KerasTensor branch_pool = L::MaxPooling2D(3, {.strides = 2})(x);
    x = concat({branch3x3, branch3x3dbl, branch_pool}, "mixed3");
  }
  // mixed 4, 5, 6, 7: 17 x 17 x 768
  for (auto [mixed, width] : std::array<std::pair<int, int64_t>, 4>{{{4, 128}, {5, 160}, {6, 160}, {7, 192}}}) {
    const KerasTensor branch1x1 = conv2d_bn(x, 192, 1, 1);
    KerasTensor branch7x7 = conv2d_bn(x, width, 1, 1);
    branch7x7 = conv2d_bn(branch7x7, width, 1, 7);
    branch7x7 = conv2d_bn(branch7x7, 192, 7, 1);
    KerasTensor branch7x7dbl = conv2d_bn(x, width, 1, 1);
    branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1);
    branch7x7dbl = conv2d_bn(branch7x7dbl, width, 1, 7);
    branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1);
    branch7x7dbl = conv2d_bn(branch7x7dbl, 192, 1, 7);
    const KerasTensor branch_pool = conv2d_bn(avg_pool_same(x), 192, 1, 1);
    x = concat({branch1x1, branch7x7, branch7x7dbl, branch_pool}, "mixed" + std::to_string(mixed));
  }
  {  // mixed 8: 8 x 8 x 1280
    KerasTensor branch3x3 = conv2d_bn(x, 192, 1, 1);
    branch3x3 = conv2d_bn(branch3x3, 320, 3, 3, "valid", 2);
    KerasTensor branch7x7x3 = conv2d_bn(x, 192, 1, 1);
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 1, 7);
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 7, 1);
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 3, 3, "valid", 2);
    const KerasTensor branch_pool = L::MaxPooling2D(3, {.strides = 2})(x);
    x = concat({branch3x3, branch7x7x3, branch_pool}, "mixed8");
  }
  // mixed 9, 10: 8 x 8 x 2048
  for (int i = 0; i < 2; ++i) {
    const KerasTensor branch1x1 = conv2d_bn(x, 320, 1, 1);
    const KerasTensor branch3x3_0 = conv2d_bn(x, 384, 1, 1);
    const KerasTensor branch3x3_1 = conv2d_bn(branch3x3_0, 384, 1, 3);
    const KerasTensor branch3x3_2 = conv2d_bn(branch3x3_0, 384, 3, 1);
    const KerasTensor branch3x3 = concat({branch3x3_1, branch3x3_2}, "mixed9_" + std::to_string(i));
    KerasTensor branch3x3dbl = conv2d_bn(x, 448, 1, 1);
    branch3x3dbl = conv2d_bn(branch3x3dbl, 384, 3, 3);
    const KerasTensor branch3x3dbl_1 = conv2d_bn(branch3x3dbl, 384, 1, 3);
    const KerasTensor branch3x3dbl_2 = conv2d_bn(branch3x3dbl, 384, 3, 1);
    branch3x3dbl = concat({branch3x3dbl_1, branch3x3dbl_2});
    const KerasTensor branch_pool = conv2d_bn(avg_pool_same(x), 192, 1, 1);
    x = concat({branch1x1, branch3x3, branch3x3dbl, branch_pool}, "mixed" + std::to_string(9 + i));
  }
  x = o.include_top ? detail::pooled_top(x, o) : detail::unnamed_pooling(x, o.pooling);
  return detail::finish(o, img_input, x, "inception_v3",
                        {"https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/",
                         "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
                         "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"});
}

Tensor inception_v3::preprocess_input(const Tensor& x, const std::string& data_format) {
  return imagenet_utils::preprocess_input(x, data_format, "tf");
}

}  // namespace keras::applications
