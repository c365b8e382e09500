// NASNet (keras/src/applications/nasnet.py): normal and reduction cells over two inputs
// (this cell's and the previous one's, adjusted to match). Layers are created in Keras's
// order so the unnamed ones get Keras's automatic names. Keras builds some of them inside
// name scopes, which prefix their weights' paths in its files but not their names; the
// ImageNet files are matched by layer name, so the scopes do not matter here.
#include "keras/applications/nasnet.h"

#include "applications/builder.h"
#include "keras/layers/activations/activation.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/convolutional/separable_conv2d.h"
#include "keras/layers/core/dense.h"
#include "keras/layers/merging/add.h"
#include "keras/layers/merging/concatenate.h"
#include "keras/layers/normalization/batch_normalization.h"
#include "keras/layers/pooling/average_pooling2d.h"
#include "keras/layers/pooling/global_average_pooling2d.h"
#include "keras/layers/pooling/max_pooling2d.h"
#include "keras/layers/reshaping/cropping2d.h"
#include "keras/layers/reshaping/zero_padding2d.h"

namespace keras::applications {

using keras::detail::cat;
using layers::KerasTensor;
namespace L = layers;

namespace {

KerasTensor bn(const KerasTensor& x, const std::string& name) {
  return L::BatchNormalization({.axis = -1, .momentum = 0.9997, .epsilon = 1e-3, .name = name})(x);
}
KerasTensor relu(const KerasTensor& x, const std::string& name = "") {
  return L::Activation("relu", {.name = name})(x);
}
KerasTensor conv1x1(const KerasTensor& x, int64_t filters, const std::string& name) {
  return L::Conv2D(
      filters, 1,
      {.strides = 1, .padding = "same", .use_bias = false, .kernel_initializer = "he_normal", .name = name})(x);
}
KerasTensor add(const KerasTensor& a, const KerasTensor& b, const std::string& name = "") {
  return L::Add({.name = name})({a, b});
}
KerasTensor pool(bool max, const KerasTensor& x, int64_t strides, const std::string& padding, const std::string& name) {
  if (max) return L::MaxPooling2D(3, {.strides = strides, .padding = padding, .name = name})(x);
  return L::AveragePooling2D(3, {.strides = strides, .padding = padding, .name = name})(x);
}

KerasTensor separable_conv_block(const KerasTensor& ip, int64_t filters, int64_t kernel_size, int64_t strides,
                                 const std::string& block_id) {
  KerasTensor x = relu(ip);
  std::string padding = "same";
  if (strides == 2) {
    x = L::ZeroPadding2D(imagenet_utils::correct_pad(x, kernel_size), {.name = "separable_conv_1_pad_" + block_id})(x);
    padding = "valid";
  }
  x = L::SeparableConv2D(
      filters, kernel_size,
      {.strides = strides, .padding = padding, .use_bias = false, .name = "separable_conv_1_" + block_id})(x);
  x = relu(bn(x, "separable_conv_1_bn_" + block_id));
  x = L::SeparableConv2D(filters, kernel_size,
                         {.padding = "same", .use_bias = false, .name = "separable_conv_2_" + block_id})(x);
  return bn(x, "separable_conv_2_bn_" + block_id);
}

/// p brought to ip's size (a factorised reduction) or to `filters` channels (a projection).
KerasTensor adjust_block(const std::optional<KerasTensor>& p_in, const KerasTensor& ip, int64_t filters,
                         const std::string& block_id) {
  if (!p_in) return ip;
  KerasTensor p = *p_in;
  if (p.shape[2] != ip.shape[2]) {  // Keras compares axis -2, the columns
    p = relu(p, "adjust_relu_1_" + block_id);
    KerasTensor p1 =
        L::AveragePooling2D(1, {.strides = 2, .padding = "valid", .name = "adjust_avg_pool_1_" + block_id})(p);
    p1 = conv1x1(p1, filters / 2, "adjust_conv_1_" + block_id);
    KerasTensor p2 = L::ZeroPadding2D({{0, 1}, {0, 1}})(p);
    p2 = L::Cropping2D({{1, 0}, {1, 0}})(p2);
    p2 = L::AveragePooling2D(1, {.strides = 2, .padding = "valid", .name = "adjust_avg_pool_2_" + block_id})(p2);
    p2 = conv1x1(p2, filters / 2, "adjust_conv_2_" + block_id);
    p = L::Concatenate(-1)({p1, p2});
    return bn(p, "adjust_bn_" + block_id);
  }
  if (p.shape.dims().back() != filters) {
    p = conv1x1(relu(p), filters, "adjust_conv_projection_" + block_id);
    return bn(p, "adjust_bn_" + block_id);
  }
  return p;
}

std::pair<KerasTensor, KerasTensor> normal_a_cell(const KerasTensor& ip, const std::optional<KerasTensor>& p_in,
                                                  int64_t filters, const std::string& block_id) {
  const KerasTensor p = adjust_block(p_in, ip, filters, block_id);
  KerasTensor h = conv1x1(relu(ip), filters, "normal_conv_1_" + block_id);
  h = bn(h, "normal_bn_1_" + block_id);
  const KerasTensor x1_1 = separable_conv_block(h, filters, 5, 1, "normal_left1_" + block_id);
  const KerasTensor x1_2 = separable_conv_block(p, filters, 3, 1, "normal_right1_" + block_id);
  const KerasTensor x1 = add(x1_1, x1_2, "normal_add_1_" + block_id);
  const KerasTensor x2_1 = separable_conv_block(p, filters, 5, 1, "normal_left2_" + block_id);
  const KerasTensor x2_2 = separable_conv_block(p, filters, 3, 1, "normal_right2_" + block_id);
  const KerasTensor x2 = add(x2_1, x2_2, "normal_add_2_" + block_id);
  const KerasTensor x3 = add(pool(false, h, 1, "same", "normal_left3_" + block_id), p, "normal_add_3_" + block_id);
  const KerasTensor x4_1 = pool(false, p, 1, "same", "normal_left4_" + block_id);
  const KerasTensor x4_2 = pool(false, p, 1, "same", "normal_right4_" + block_id);
  const KerasTensor x4 = add(x4_1, x4_2, "normal_add_4_" + block_id);
  const KerasTensor x5 =
      add(separable_conv_block(h, filters, 3, 1, "normal_left5_" + block_id), h, "normal_add_5_" + block_id);
  const KerasTensor x = L::Concatenate(-1, {.name = "normal_concat_" + block_id})({p, x1, x2, x3, x4, x5});
  return {x, ip};
}

std::pair<KerasTensor, KerasTensor> reduction_a_cell(const KerasTensor& ip, const std::optional<KerasTensor>& p_in,
                                                     int64_t filters, const std::string& block_id) {
  const KerasTensor p = adjust_block(p_in, ip, filters, block_id);
  KerasTensor h = conv1x1(relu(ip), filters, "reduction_conv_1_" + block_id);
  h = bn(h, "reduction_bn_1_" + block_id);
  const KerasTensor h3 =
      L::ZeroPadding2D(imagenet_utils::correct_pad(h, 3), {.name = "reduction_pad_1_" + block_id})(h);
  const KerasTensor x1_1 = separable_conv_block(h, filters, 5, 2, "reduction_left1_" + block_id);
  const KerasTensor x1_2 = separable_conv_block(p, filters, 7, 2, "reduction_right1_" + block_id);
  const KerasTensor x1 = add(x1_1, x1_2, "reduction_add_1_" + block_id);
  const KerasTensor x2_1 = pool(true, h3, 2, "valid", "reduction_left2_" + block_id);
  const KerasTensor x2_2 = separable_conv_block(p, filters, 7, 2, "reduction_right2_" + block_id);
  const KerasTensor x2 = add(x2_1, x2_2, "reduction_add_2_" + block_id);
  const KerasTensor x3_1 = pool(false, h3, 2, "valid", "reduction_left3_" + block_id);
  const KerasTensor x3_2 = separable_conv_block(p, filters, 5, 2, "reduction_right3_" + block_id);
  const KerasTensor x3 = add(x3_1, x3_2, "reduction_add3_" + block_id);
  const KerasTensor x4 = add(x2, pool(false, x1, 1, "same", "reduction_left4_" + block_id));
  const KerasTensor x5_1 = separable_conv_block(x1, filters, 3, 1, "reduction_left4_" + block_id);
  const KerasTensor x5_2 = pool(true, h3, 2, "valid", "reduction_right5_" + block_id);
  const KerasTensor x5 = add(x5_1, x5_2, "reduction_add4_" + block_id);
  const KerasTensor x = L::Concatenate(-1, {.name = "reduction_concat_" + block_id})({x2, x3, x4, x5});
  return {x, ip};
}

struct NASNetShape {
  int64_t penultimate_filters, num_blocks, stem_block_filters;
  bool skip_reduction;
  int64_t default_size;
};

std::shared_ptr<models::Model> build(NASNetOptions o, const NASNetShape& s, const std::string& default_name,
                                     const std::string& file) {
  constexpr int64_t kFilterMultiplier = 2;
  ApplicationOptions c = detail::common(o);
  detail::check_weights(c, default_name);
  if (c.input_shape && detail::imagenet(c))
    for (int64_t d : c.input_shape->dims())
      if (d == kNone)
        throw ValueError(
            cat("When specifying the input shape of a NASNet and loading `ImageNet` weights, the input_shape "
                "argument must be static (no None entries). Got: `input_shape=",
                c.input_shape->to_string(), "`."));
  const KerasTensor img_input = detail::image_input(c, detail::input_shape(c, s.default_size, 32, o.include_top));
  const int64_t filters = s.penultimate_filters / 24;
  KerasTensor x = L::Conv2D(
      s.stem_block_filters, 3,
      {.strides = 2, .padding = "valid", .use_bias = false, .kernel_initializer = "he_normal", .name = "stem_conv1"})(
      img_input);
  x = bn(x, "stem_bn1");
  std::optional<KerasTensor> p;
  std::tie(x, p) = reduction_a_cell(x, p, filters / (kFilterMultiplier * kFilterMultiplier), "stem_1");
  std::tie(x, p) = reduction_a_cell(x, p, filters / kFilterMultiplier, "stem_2");
  int64_t width = filters;
  for (int64_t stage = 0; stage < 3; ++stage) {
    if (stage > 0) {
      width *= kFilterMultiplier;
      KerasTensor p0 = *p;
      std::tie(x, p0) = reduction_a_cell(x, p, width, "reduce_" + std::to_string(stage * s.num_blocks));
      if (!s.skip_reduction) p = p0;
    }
    for (int64_t i = 0; i < s.num_blocks; ++i) {
      const int64_t id = stage == 0 ? i : stage * s.num_blocks + i + 1;
      KerasTensor p_next = *p;
      std::tie(x, p_next) = normal_a_cell(x, p, width, std::to_string(id));
      p = p_next;
    }
  }
  x = relu(x);
  if (o.include_top) {
    x = L::GlobalAveragePooling2D()(x);
    imagenet_utils::validate_activation(o.classifier_activation, o.weights);
    x = L::Dense(o.classes, detail::classifier_activation(c), {.name = "predictions"})(x);
  } else {
    x = detail::unnamed_pooling(x, o.pooling);
  }
  return detail::finish(
      c, img_input, x, default_name,
      {"https://storage.googleapis.com/tensorflow/keras-applications/nasnet/", file + ".h5", file + "-no-top.h5"});
}

}  // namespace

std::shared_ptr<models::Model> NASNetMobile(NASNetOptions o) {
  if (!o.include_top && !o.input_shape) o.input_shape = Shape({224, 224, 3});
  return build(o, {1056, 4, 32, false, 224}, "nasnet_mobile", "NASNet-mobile");
}

std::shared_ptr<models::Model> NASNetLarge(NASNetOptions o) {
  return build(o, {4032, 6, 96, true, 331}, "nasnet_large", "NASNet-large");
}

Tensor nasnet::preprocess_input(const Tensor& x, const std::string& data_format) {
  return imagenet_utils::preprocess_input(x, data_format, "tf");
}

}  // namespace keras::applications
