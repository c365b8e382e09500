// MobileNetV3 (keras/src/applications/mobilenet_v3.py): inverted residual blocks with
// optional squeeze-excite and hard-swish, the stem and head shared by Small and Large.
#include "keras/applications/mobilenet_v3.h"

#include <functional>

#include "applications/builder.h"
#include "keras/layers/activations/activation.h"
#include "keras/layers/activations/relu.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/convolutional/depthwise_conv2d.h"
#include "keras/layers/core/op_layers.h"
#include "keras/layers/merging/add.h"
#include "keras/layers/merging/multiply.h"
#include "keras/layers/normalization/batch_normalization.h"
#include "keras/layers/pooling/global_average_pooling2d.h"
#include "keras/layers/pooling/global_max_pooling2d.h"
#include "keras/layers/preprocessing/rescaling.h"
#include "keras/layers/regularization/dropout.h"
#include "keras/layers/reshaping/flatten.h"
#include "keras/layers/reshaping/zero_padding2d.h"

namespace keras::applications {

using keras::detail::cat;
using layers::KerasTensor;
namespace L = layers;

namespace {

using ActivationFn = std::function<KerasTensor(const KerasTensor&)>;

KerasTensor relu(const KerasTensor& x) { return L::ReLU()(x); }

/// x op constant as a keras.src.ops.numpy graph operation (Keras's `x + 3.0`).
KerasTensor operation(L::BinaryOperation::Kind kind, const KerasTensor& x, double constant) {
  auto op = std::make_shared<L::BinaryOperation>(kind);
  op->set_constant(constant, false);
  return (*op)(x);
}

KerasTensor hard_sigmoid(const KerasTensor& x) {
  const KerasTensor shifted = operation(L::BinaryOperation::Kind::add, x, 3.0);
  return operation(L::BinaryOperation::Kind::multiply, L::ReLU({.max_value = 6.0})(shifted), 1.0 / 6.0);
}

KerasTensor hard_swish(const KerasTensor& x) { return L::Activation("hard_swish")(x); }

/// mobilenet_v3._depth: v rounded to a multiple of 8, not below 90% of v.
int64_t depth(double v) {
  int64_t new_v = std::max<int64_t>(8, static_cast<int64_t>(v + 4.0) / 8 * 8);
  if (static_cast<double>(new_v) < 0.9 * v) new_v += 8;
  return new_v;
}

KerasTensor bn(const KerasTensor& x, const std::string& name) {
  return L::BatchNormalization({.axis = -1, .momentum = 0.999, .epsilon = 1e-3, .name = name})(x);
}

KerasTensor se_block(const KerasTensor& inputs, int64_t filters, double se_ratio, const std::string& prefix) {
  KerasTensor x = L::GlobalAveragePooling2D({.keepdims = true, .name = prefix + "squeeze_excite_avg_pool"})(inputs);
  x = L::Conv2D(depth(static_cast<double>(filters) * se_ratio), 1,
                {.padding = "same", .name = prefix + "squeeze_excite_conv"})(x);
  x = L::ReLU({.name = prefix + "squeeze_excite_relu"})(x);
  x = L::Conv2D(filters, 1, {.padding = "same", .name = prefix + "squeeze_excite_conv_1"})(x);
  x = hard_sigmoid(x);
  return L::Multiply({.name = prefix + "squeeze_excite_mul"})({inputs, x});
}

KerasTensor inverted_res_block(KerasTensor x, double expansion, int64_t filters, int64_t kernel_size, int64_t stride,
                               double se_ratio, const ActivationFn& activation, int block_id) {
  const KerasTensor shortcut = x;
  const int64_t infilters = x.shape.dims().back();
  std::string prefix = "expanded_conv_";
  const int64_t expanded = depth(static_cast<double>(infilters) * expansion);
  if (block_id) {
    prefix = "expanded_conv_" + std::to_string(block_id) + "_";
    x = L::Conv2D(expanded, 1, {.padding = "same", .use_bias = false, .name = prefix + "expand"})(x);
    x = activation(bn(x, prefix + "expand_bn"));
  }
  if (stride == 2)
    x = L::ZeroPadding2D(imagenet_utils::correct_pad(x, kernel_size), {.name = prefix + "depthwise_pad"})(x);
  x = L::DepthwiseConv2D(
      kernel_size,
      {.strides = stride, .padding = stride == 1 ? "same" : "valid", .use_bias = false, .name = prefix + "depthwise"})(
      x);
  x = activation(bn(x, prefix + "depthwise_bn"));
  if (se_ratio > 0) x = se_block(x, expanded, se_ratio, prefix);
  x = L::Conv2D(filters, 1, {.padding = "same", .use_bias = false, .name = prefix + "project"})(x);
  x = bn(x, prefix + "project_bn");
  if (stride == 1 && infilters == filters) x = L::Add({.name = prefix + "add"})({shortcut, x});
  return x;
}

/// One row of a stack: expansion, filters (before alpha), kernel (0: the model's),
/// stride, squeeze-excite, activation (false: relu, true: the model's).
struct Row {
  double expansion;
  int64_t filters, kernel, stride;
  bool se, model_activation;
};

std::shared_ptr<models::Model> build(const MobileNetV3Options& o, const std::vector<Row>& rows, int64_t last_point_ch,
                                     const std::string& model_type, const std::string& default_name) {
  const ApplicationOptions c = detail::common(o);
  detail::check_weights(c, default_name);
  if (o.alpha <= 0) throw ValueError(cat(default_name, ": `alpha` should be positive. Received alpha=", o.alpha));
  Shape shape = o.input_shape.value_or(Shape({kNone, kNone, 3}));
  if (!o.input_shape && o.input_tensor && o.input_tensor->shape.rank() == 4)
    shape = Shape({o.input_tensor->shape[2], o.input_tensor->shape[1], 3});  // Keras's (cols, rows, 3)
  if (shape.rank() != 3)
    throw ValueError(cat(
        default_name, ": `input_shape` must be a tuple of three integers. Received: input_shape=", shape.to_string()));
  const int64_t rows_in = shape[0], cols_in = shape[1];
  if ((rows_in != kNone && rows_in < 32) || (cols_in != kNone && cols_in < 32))
    throw ValueError(
        cat(default_name, ": Input size must be at least 32x32; Received `input_shape=", shape.to_string(), "`"));
  if (detail::imagenet(c) &&
      ((!o.minimalistic && o.alpha != 0.75 && o.alpha != 1.0) || (o.minimalistic && o.alpha != 1.0)))
    throw ValueError(
        cat("If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for non minimalistic "
            "or `1.0` for minimalistic only. Received alpha=",
            o.alpha));
  const KerasTensor img_input = detail::image_input(c, shape);
  const int64_t kernel = o.minimalistic ? 3 : 5;
  const ActivationFn activation = o.minimalistic ? ActivationFn(relu) : ActivationFn(hard_swish);
  const double se_ratio = o.minimalistic ? 0.0 : 0.25;

  KerasTensor x = img_input;
  if (o.include_preprocessing) x = L::Rescaling(1.0 / 127.5, {.offset = -1.0})(x);
  x = L::Conv2D(16, 3, {.strides = 2, .padding = "same", .use_bias = false, .name = "conv"})(x);
  x = activation(bn(x, "conv_bn"));
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    x = inverted_res_block(x, r.expansion, depth(static_cast<double>(r.filters) * o.alpha),
                           r.kernel ? r.kernel : kernel, r.stride, r.se ? se_ratio : 0.0,
                           r.model_activation ? activation : ActivationFn(relu), static_cast<int>(i));
  }
  const int64_t last_conv_ch = depth(static_cast<double>(x.shape.dims().back() * 6));
  if (o.alpha > 1.0) last_point_ch = depth(static_cast<double>(last_point_ch) * o.alpha);
  x = L::Conv2D(last_conv_ch, 1, {.padding = "same", .use_bias = false, .name = "conv_1"})(x);
  x = activation(bn(x, "conv_1_bn"));
  if (o.include_top) {
    x = L::GlobalAveragePooling2D({.keepdims = true})(x);
    x = L::Conv2D(last_point_ch, 1, {.padding = "same", .use_bias = true, .name = "conv_2"})(x);
    x = activation(x);
    if (o.dropout_rate > 0) x = L::Dropout(o.dropout_rate)(x);
    x = L::Conv2D(o.classes, 1, {.padding = "same", .name = "logits"})(x);
    x = L::Flatten()(x);
    imagenet_utils::validate_activation(o.classifier_activation, o.weights);
    x = L::Activation(detail::classifier_activation(c), {.name = "predictions"})(x);
  } else if (o.pooling == "avg") {
    x = L::GlobalAveragePooling2D({.name = "avg_pool"})(x);
  } else if (o.pooling == "max") {
    x = L::GlobalMaxPooling2D({.name = "max_pool"})(x);
  }
  const std::string model_name =
      model_type + (o.minimalistic ? "_minimalistic" : "") + "_224_" + detail::python_float(o.alpha) + "_float";
  return detail::finish(
      c, img_input, x, default_name,
      {"https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/",
       "weights_mobilenet_v3_" + model_name + ".h5", "weights_mobilenet_v3_" + model_name + "_no_top_v2.h5"});
}

}  // namespace

std::shared_ptr<models::Model> MobileNetV3Small(MobileNetV3Options o) {
  return build(o,
               {{1, 16, 3, 2, true, false},
                {72.0 / 16, 24, 3, 2, false, false},
                {88.0 / 24, 24, 3, 1, false, false},
                {4, 40, 0, 2, true, true},
                {6, 40, 0, 1, true, true},
                {6, 40, 0, 1, true, true},
                {3, 48, 0, 1, true, true},
                {3, 48, 0, 1, true, true},
                {6, 96, 0, 2, true, true},
                {6, 96, 0, 1, true, true},
                {6, 96, 0, 1, true, true}},
               1024, "small", "MobileNetV3Small");
}

std::shared_ptr<models::Model> MobileNetV3Large(MobileNetV3Options o) {
  return build(o,
               {{1, 16, 3, 1, false, false},
                {4, 24, 3, 2, false, false},
                {3, 24, 3, 1, false, false},
                {3, 40, 0, 2, true, false},
                {3, 40, 0, 1, true, false},
                {3, 40, 0, 1, true, false},
                {6, 80, 3, 2, false, true},
                {2.5, 80, 3, 1, false, true},
                {2.3, 80, 3, 1, false, true},
                {2.3, 80, 3, 1, false, true},
                {6, 112, 3, 1, true, true},
                {6, 112, 3, 1, true, true},
                {6, 160, 0, 2, true, true},
                {6, 160, 0, 1, true, true},
                {6, 160, 0, 1, true, true}},
               1280, "large", "MobileNetV3Large");
}

Tensor mobilenet_v3::preprocess_input(const Tensor& x, const std::string&) { return x; }

}  // namespace keras::applications
