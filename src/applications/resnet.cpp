// ResNet v1 and v2 (keras/src/applications/resnet.py, resnet_v2.py): one constructor with
// the stem, the stacks of residual blocks and the top; v2 blocks pre-activate.
#include "keras/applications/resnet.h"

#include <functional>

#include "applications/builder.h"
#include "keras/applications/resnet_v2.h"
#include "keras/layers/activations/activation.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/merging/add.h"
#include "keras/layers/normalization/batch_normalization.h"
#include "keras/layers/pooling/max_pooling2d.h"
#include "keras/layers/reshaping/zero_padding2d.h"

namespace keras::applications {

using layers::KerasTensor;
namespace L = layers;

namespace {

constexpr double kEpsilon = 1.001e-5;
constexpr int64_t kBnAxis = 3;  // channels_last
const char* kBaseUrl = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/";

KerasTensor bn(const KerasTensor& x, const std::string& name) {
  return L::BatchNormalization({.axis = kBnAxis, .epsilon = kEpsilon, .name = name})(x);
}

KerasTensor relu(const KerasTensor& x, const std::string& name) { return L::Activation("relu", {.name = name})(x); }

KerasTensor block_v1(KerasTensor x, int64_t filters, int64_t stride, bool conv_shortcut, const std::string& name) {
  KerasTensor shortcut = x;
  if (conv_shortcut) {
    shortcut = L::Conv2D(4 * filters, 1, {.strides = stride, .name = name + "_0_conv"})(x);
    shortcut = bn(shortcut, name + "_0_bn");
  }
  x = L::Conv2D(filters, 1, {.strides = stride, .name = name + "_1_conv"})(x);
  x = relu(bn(x, name + "_1_bn"), name + "_1_relu");
  x = L::Conv2D(filters, 3, {.padding = "same", .name = name + "_2_conv"})(x);
  x = relu(bn(x, name + "_2_bn"), name + "_2_relu");
  x = L::Conv2D(4 * filters, 1, {.name = name + "_3_conv"})(x);
  x = bn(x, name + "_3_bn");
  x = L::Add({.name = name + "_add"})({shortcut, x});
  return relu(x, name + "_out");
}

KerasTensor stack_v1(KerasTensor x, int64_t filters, int blocks, int64_t stride1, const std::string& name) {
  x = block_v1(x, filters, stride1, true, name + "_block1");
  for (int i = 2; i <= blocks; ++i) x = block_v1(x, filters, 1, false, name + "_block" + std::to_string(i));
  return x;
}

KerasTensor block_v2(const KerasTensor& x, int64_t filters, int64_t stride, bool conv_shortcut,
                     const std::string& name) {
  const KerasTensor preact = relu(bn(x, name + "_preact_bn"), name + "_preact_relu");
  KerasTensor shortcut = x;
  if (conv_shortcut) shortcut = L::Conv2D(4 * filters, 1, {.strides = stride, .name = name + "_0_conv"})(preact);
  else if (stride > 1) shortcut = L::MaxPooling2D(1, {.strides = stride})(x);
  KerasTensor y = L::Conv2D(filters, 1, {.strides = 1, .use_bias = false, .name = name + "_1_conv"})(preact);
  y = relu(bn(y, name + "_1_bn"), name + "_1_relu");
  y = L::ZeroPadding2D({{1, 1}, {1, 1}}, {.name = name + "_2_pad"})(y);
  y = L::Conv2D(filters, 3, {.strides = stride, .use_bias = false, .name = name + "_2_conv"})(y);
  y = relu(bn(y, name + "_2_bn"), name + "_2_relu");
  y = L::Conv2D(4 * filters, 1, {.name = name + "_3_conv"})(y);
  return L::Add({.name = name + "_out"})({shortcut, y});
}

KerasTensor stack_v2(KerasTensor x, int64_t filters, int blocks, int64_t stride1, const std::string& name) {
  x = block_v2(x, filters, 1, true, name + "_block1");
  for (int i = 2; i < blocks; ++i) x = block_v2(x, filters, 1, false, name + "_block" + std::to_string(i));
  return block_v2(x, filters, stride1, false, name + "_block" + std::to_string(blocks));
}

/// resnet.ResNet: blocks per stack (conv2..conv5), v1 or pre-activated v2.
std::shared_ptr<models::Model> build(const ApplicationOptions& o, std::array<int, 4> blocks, bool preact,
                                     const std::string& weights_name) {
  detail::check_weights(o, weights_name);
  const KerasTensor img_input = detail::image_input(o, detail::input_shape(o, 224, 32, o.include_top));
  KerasTensor x = L::ZeroPadding2D({{3, 3}, {3, 3}}, {.name = "conv1_pad"})(img_input);
  x = L::Conv2D(64, 7, {.strides = 2, .use_bias = true, .name = "conv1_conv"})(x);
  if (!preact) x = relu(bn(x, "conv1_bn"), "conv1_relu");
  x = L::ZeroPadding2D({{1, 1}, {1, 1}}, {.name = "pool1_pad"})(x);
  x = L::MaxPooling2D(3, {.strides = 2, .name = "pool1_pool"})(x);
  const std::array<int64_t, 4> filters{64, 128, 256, 512};
  for (size_t s = 0; s < 4; ++s) {
    const std::string name = "conv" + std::to_string(s + 2);
    if (preact) x = stack_v2(x, filters[s], blocks[s], s == 3 ? 1 : 2, name);
    else x = stack_v1(x, filters[s], blocks[s], s == 0 ? 1 : 2, name);
  }
  if (preact) x = relu(bn(x, "post_bn"), "post_relu");
  x = detail::pooled_top(x, o);
  const std::string stem = weights_name + "_weights_tf_dim_ordering_tf_kernels";
  return detail::finish(o, img_input, x, weights_name, {kBaseUrl, stem + ".h5", stem + "_notop.h5"});
}

}  // namespace

std::shared_ptr<models::Model> ResNet50(ApplicationOptions o) { return build(o, {3, 4, 6, 3}, false, "resnet50"); }
std::shared_ptr<models::Model> ResNet101(ApplicationOptions o) { return build(o, {3, 4, 23, 3}, false, "resnet101"); }
std::shared_ptr<models::Model> ResNet152(ApplicationOptions o) { return build(o, {3, 8, 36, 3}, false, "resnet152"); }
std::shared_ptr<models::Model> ResNet50V2(ApplicationOptions o) { return build(o, {3, 4, 6, 3}, true, "resnet50v2"); }
std::shared_ptr<models::Model> ResNet101V2(ApplicationOptions o) {
  return build(o, {3, 4, 23, 3}, true, "resnet101v2");
}
std::shared_ptr<models::Model> ResNet152V2(ApplicationOptions o) {
  return build(o, {3, 8, 36, 3}, true, "resnet152v2");
}

Tensor resnet::preprocess_input(const Tensor& x, const std::string& data_format) {
  return imagenet_utils::preprocess_input(x, data_format, "caffe");
}

Tensor resnet_v2::preprocess_input(const Tensor& x, const std::string& data_format) {
  return imagenet_utils::preprocess_input(x, data_format, "tf");
}

}  // namespace keras::applications
