// InceptionResNetV2 (keras/src/applications/inception_resnet_v2.py): Inception branches
// added back to their input through CustomScaleLayer. Layers are created in Keras's order
// so the unnamed ones get Keras's automatic names.
#include "keras/applications/inception_resnet_v2.h"

#include "applications/builder.h"
#include "keras/applications/application_layers.h"
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

struct ConvBn {
  int64_t strides = 1;
  std::string padding = "same";
  std::string activation = "relu";  // "" = none
  bool use_bias = false;
  std::string name{};
};

KerasTensor conv2d_bn(const KerasTensor& x, int64_t filters, layers::Size2 kernel, const ConvBn& o = {}) {
  KerasTensor y = L::Conv2D(filters, kernel,
                            {.strides = o.strides, .padding = o.padding, .use_bias = o.use_bias, .name = o.name})(x);
  if (!o.use_bias)
    y = L::BatchNormalization({.axis = kChannelAxis, .scale = false, .name = o.name.empty() ? "" : o.name + "_bn"})(y);
  if (!o.activation.empty()) y = L::Activation(o.activation, {.name = o.name.empty() ? "" : o.name + "_ac"})(y);
  return y;
}

KerasTensor valid_s2(const KerasTensor& x, int64_t filters, int64_t kernel) {
  return conv2d_bn(x, filters, kernel, {.strides = 2, .padding = "valid"});
}

KerasTensor resnet_block(const KerasTensor& x, double scale, const std::string& block_type, int block_idx,
                         bool activation = true) {
  layers::KerasTensors branches;
  if (block_type == "block35") {
    branches.push_back(conv2d_bn(x, 32, 1));
    branches.push_back(conv2d_bn(conv2d_bn(x, 32, 1), 32, 3));
    branches.push_back(conv2d_bn(conv2d_bn(conv2d_bn(x, 32, 1), 48, 3), 64, 3));
  } else if (block_type == "block17") {
    branches.push_back(conv2d_bn(x, 192, 1));
    branches.push_back(conv2d_bn(conv2d_bn(conv2d_bn(x, 128, 1), 160, {1, 7}), 192, {7, 1}));
  } else {  // block8
    branches.push_back(conv2d_bn(x, 192, 1));
    branches.push_back(conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1), 224, {1, 3}), 256, {3, 1}));
  }
  const std::string block_name = block_type + "_" + std::to_string(block_idx);
  const KerasTensor mixed = L::Concatenate(kChannelAxis, {.name = block_name + "_mixed"})(branches);
  const KerasTensor up =
      conv2d_bn(mixed, x.shape[kChannelAxis], 1, {.activation = "", .use_bias = true, .name = block_name + "_conv"});
  KerasTensor y = CustomScaleLayer(scale)({x, up});
  if (activation) y = L::Activation("relu", {.name = block_name + "_ac"})(y);
  return y;
}

}  // namespace

std::shared_ptr<models::Model> InceptionResNetV2(ApplicationOptions o) {
  detail::check_weights(o, "inception_resnet_v2");
  const KerasTensor img_input = detail::image_input(o, detail::input_shape(o, 299, 75, o.include_top));
  KerasTensor x = valid_s2(img_input, 32, 3);
  x = conv2d_bn(x, 32, 3, {.padding = "valid"});
  x = conv2d_bn(x, 64, 3);
  x = L::MaxPooling2D(3, {.strides = 2})(x);
  x = conv2d_bn(x, 80, 1, {.padding = "valid"});
  x = conv2d_bn(x, 192, 3, {.padding = "valid"});
  x = L::MaxPooling2D(3, {.strides = 2})(x);

  {  // mixed 5b (Inception-A): 35 x 35 x 320
    const KerasTensor branch_0 = conv2d_bn(x, 96, 1);
    const KerasTensor branch_1 = conv2d_bn(conv2d_bn(x, 48, 1), 64, 5);
    const KerasTensor branch_2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3);
    const KerasTensor pool = L::AveragePooling2D(3, {.strides = 1, .padding = "same"})(x);
    const KerasTensor branch_pool = conv2d_bn(pool, 64, 1);
    x = L::Concatenate(kChannelAxis, {.name = "mixed_5b"})({branch_0, branch_1, branch_2, branch_pool});
  }
  for (int i = 1; i <= 10; ++i) x = resnet_block(x, 0.17, "block35", i);
  {  // mixed 6a (Reduction-A): 17 x 17 x 1088
    const KerasTensor branch_0 = valid_s2(x, 384, 3);
    const KerasTensor branch_1 = valid_s2(conv2d_bn(conv2d_bn(x, 256, 1), 256, 3), 384, 3);
    const KerasTensor branch_pool = L::MaxPooling2D(3, {.strides = 2, .padding = "valid"})(x);
    x = L::Concatenate(kChannelAxis, {.name = "mixed_6a"})({branch_0, branch_1, branch_pool});
  }
  for (int i = 1; i <= 20; ++i) x = resnet_block(x, 0.1, "block17", i);
  {  // mixed 7a (Reduction-B): 8 x 8 x 2080
    const KerasTensor branch_0 = valid_s2(conv2d_bn(x, 256, 1), 384, 3);
    const KerasTensor branch_1 = valid_s2(conv2d_bn(x, 256, 1), 288, 3);
    const KerasTensor branch_2 = valid_s2(conv2d_bn(conv2d_bn(x, 256, 1), 288, 3), 320, 3);
    const KerasTensor branch_pool = L::MaxPooling2D(3, {.strides = 2, .padding = "valid"})(x);
    x = L::Concatenate(kChannelAxis, {.name = "mixed_7a"})({branch_0, branch_1, branch_2, branch_pool});
  }
  for (int i = 1; i <= 9; ++i) x = resnet_block(x, 0.2, "block8", i);
  x = resnet_block(x, 1.0, "block8", 10, false);
  x = conv2d_bn(x, 1536, 1, {.name = "conv_7b"});
  x = o.include_top ? detail::pooled_top(x, o) : detail::unnamed_pooling(x, o.pooling);
  return detail::finish(o, img_input, x, "inception_resnet_v2",
                        {"https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/",
                         "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5",
                         "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5"});
}

Tensor inception_resnet_v2::preprocess_input(const Tensor& x, const std::string& data_format) {
  return imagenet_utils::preprocess_input(x, data_format, "tf");
}

}  // namespace keras::applications
