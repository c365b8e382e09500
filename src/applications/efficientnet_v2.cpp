// EfficientNetV2 B0-B3, S, M, L (keras/src/applications/efficientnet_v2.py): fused and
// depthwise MBConv stages; the model rescales (and for B0-B3 normalizes) its own input.
#include "keras/applications/efficientnet_v2.h"

#include <cmath>

#include "applications/builder.h"
#include "keras/initializers/initializers.h"
#include "keras/layers/activations/activation.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/convolutional/depthwise_conv2d.h"
#include "keras/layers/core/dense.h"
#include "keras/layers/merging/add.h"
#include "keras/layers/merging/multiply.h"
#include "keras/layers/normalization/batch_normalization.h"
#include "keras/layers/pooling/global_average_pooling2d.h"
#include "keras/layers/pooling/global_max_pooling2d.h"
#include "keras/layers/preprocessing/normalization.h"
#include "keras/layers/preprocessing/rescaling.h"
#include "keras/layers/regularization/dropout.h"
#include "keras/layers/reshaping/reshape.h"

namespace keras::applications {

using layers::KerasTensor;
namespace L = layers;

namespace {

constexpr int64_t kBnAxis = 3;
constexpr double kBnMomentum = 0.9;

initializers::Initializer conv_init() { return initializers::VarianceScaling(2.0, "fan_out", "truncated_normal"); }

/// One stage: kernel, repeats, input and output filters, expansion, squeeze-excite ratio,
/// stride, fused (FusedMBConv) or not (MBConv).
struct Stage {
  int64_t kernel_size, num_repeat, input_filters, output_filters, expand_ratio;
  double se_ratio;
  int64_t strides;
  bool fused;
};

const std::vector<Stage>& stages(const std::string& variant) {
  static const std::vector<Stage> b = {{3, 1, 32, 16, 1, 0, 1, true},      {3, 2, 16, 32, 4, 0, 2, true},
                                       {3, 2, 32, 48, 4, 0, 2, true},      {3, 3, 48, 96, 4, 0.25, 2, false},
                                       {3, 5, 96, 112, 6, 0.25, 1, false}, {3, 8, 112, 192, 6, 0.25, 2, false}};
  static const std::vector<Stage> s = {{3, 2, 24, 24, 1, 0, 1, true},       {3, 4, 24, 48, 4, 0, 2, true},
                                       {3, 4, 48, 64, 4, 0, 2, true},       {3, 6, 64, 128, 4, 0.25, 2, false},
                                       {3, 9, 128, 160, 6, 0.25, 1, false}, {3, 15, 160, 256, 6, 0.25, 2, false}};
  static const std::vector<Stage> m = {{3, 3, 24, 24, 1, 0, 1, true},        {3, 5, 24, 48, 4, 0, 2, true},
                                       {3, 5, 48, 80, 4, 0, 2, true},        {3, 7, 80, 160, 4, 0.25, 2, false},
                                       {3, 14, 160, 176, 6, 0.25, 1, false}, {3, 18, 176, 304, 6, 0.25, 2, false},
                                       {3, 5, 304, 512, 6, 0.25, 1, false}};
  static const std::vector<Stage> l = {{3, 4, 32, 32, 1, 0, 1, true},        {3, 7, 32, 64, 4, 0, 2, true},
                                       {3, 7, 64, 96, 4, 0, 2, true},        {3, 10, 96, 192, 4, 0.25, 2, false},
                                       {3, 19, 192, 224, 6, 0.25, 1, false}, {3, 25, 224, 384, 6, 0.25, 2, false},
                                       {3, 7, 384, 640, 6, 0.25, 1, false}};
  if (variant == "s") return s;
  if (variant == "m") return m;
  if (variant == "l") return l;
  return b;
}

KerasTensor bn(const KerasTensor& x, const std::string& name) {
  return L::BatchNormalization({.axis = kBnAxis, .momentum = kBnMomentum, .name = name})(x);
}
KerasTensor swish(const KerasTensor& x, const std::string& name) { return L::Activation("swish", {.name = name})(x); }
KerasTensor conv(const KerasTensor& x, int64_t filters, int64_t kernel, int64_t strides, const std::string& name) {
  return L::Conv2D(
      filters, kernel,
      {.strides = strides, .padding = "same", .use_bias = false, .kernel_initializer = conv_init(), .name = name})(x);
}

KerasTensor squeeze_excite(const KerasTensor& x, int64_t input_filters, int64_t filters, double se_ratio,
                           const std::string& name) {
  const int64_t filters_se = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(input_filters) * se_ratio));
  KerasTensor se = L::GlobalAveragePooling2D({.name = name + "se_squeeze"})(x);
  se = L::Reshape({1, 1, filters}, {.name = name + "se_reshape"})(se);
  se = L::Conv2D(
      filters_se, 1,
      {.padding = "same", .activation = "swish", .kernel_initializer = conv_init(), .name = name + "se_reduce"})(se);
  se = L::Conv2D(
      filters, 1,
      {.padding = "same", .activation = "sigmoid", .kernel_initializer = conv_init(), .name = name + "se_expand"})(se);
  return L::Multiply({.name = name + "se_excite"})({x, se});
}

KerasTensor residual(const KerasTensor& x, const KerasTensor& inputs, const Stage& a, double survival,
                     const std::string& name) {
  if (a.strides != 1 || a.input_filters != a.output_filters) return x;
  KerasTensor y = x;
  if (survival > 0) y = L::Dropout(survival, {.noise_shape = Shape({kNone, 1, 1, 1}), .name = name + "drop"})(y);
  return L::Add({.name = name + "add"})({y, inputs});
}

KerasTensor mb_conv(const KerasTensor& inputs, const Stage& a, double survival, const std::string& name) {
  const int64_t filters = a.input_filters * a.expand_ratio;
  KerasTensor x = inputs;
  if (a.expand_ratio != 1)
    x = swish(bn(conv(x, filters, 1, 1, name + "expand_conv"), name + "expand_bn"), name + "expand_activation");
  x = L::DepthwiseConv2D(a.kernel_size, {.strides = a.strides,
                                         .padding = "same",
                                         .use_bias = false,
                                         .depthwise_initializer = conv_init(),
                                         .name = name + "dwconv2"})(x);
  x = swish(bn(x, name + "bn"), name + "activation");
  if (a.se_ratio > 0 && a.se_ratio <= 1) x = squeeze_excite(x, a.input_filters, filters, a.se_ratio, name);
  x = bn(conv(x, a.output_filters, 1, 1, name + "project_conv"), name + "project_bn");
  return residual(x, inputs, a, survival, name);
}

KerasTensor fused_mb_conv(const KerasTensor& inputs, const Stage& a, double survival, const std::string& name) {
  const int64_t filters = a.input_filters * a.expand_ratio;
  KerasTensor x = inputs;
  if (a.expand_ratio != 1)
    x = swish(bn(conv(x, filters, a.kernel_size, a.strides, name + "expand_conv"), name + "expand_bn"),
              name + "expand_activation");
  if (a.se_ratio > 0 && a.se_ratio <= 1) x = squeeze_excite(x, a.input_filters, filters, a.se_ratio, name);
  const bool expanded = a.expand_ratio != 1;
  x = bn(conv(x, a.output_filters, expanded ? 1 : a.kernel_size, expanded ? 1 : a.strides, name + "project_conv"),
         name + "project_bn");
  if (!expanded) x = swish(x, name + "project_activation");
  return residual(x, inputs, a, survival, name);
}

struct Variant {
  std::string key;  // "b0".."b3", "s", "m", "l"
  double width, depth;
  int64_t default_size;
};

std::shared_ptr<models::Model> build(const EfficientNetV2Options& o, const Variant& v) {
  constexpr double kDropConnectRate = 0.2, kDropoutRate = 0.2;
  constexpr int64_t kDivisor = 8, kMinDepth = 8;
  const std::string default_name = "efficientnetv2-" + v.key;
  const ApplicationOptions c = detail::common(o);
  detail::check_weights(c, default_name);
  const Shape shape = detail::input_shape(c, v.default_size, 32, o.include_top);
  const KerasTensor img_input = detail::image_input(c, shape);
  auto round_filters = [&](int64_t filters) {
    const double f = static_cast<double>(filters) * v.width;
    return std::max<int64_t>(kMinDepth, static_cast<int64_t>(f + kDivisor / 2.0) / kDivisor * kDivisor);
  };
  auto round_repeats = [&](int64_t repeats) {
    return static_cast<int64_t>(std::ceil(v.depth * static_cast<double>(repeats)));
  };

  KerasTensor x = img_input;
  if (o.include_preprocessing) {
    if (v.key[0] == 'b' && shape[2] == 3) {
      x = L::Rescaling(1.0 / 255)(x);
      x = L::Normalization({.axis = {kBnAxis},
                            .mean = std::vector<double>{0.485, 0.456, 0.406},
                            .variance = std::vector<double>{0.229 * 0.229, 0.224 * 0.224, 0.225 * 0.225}})(x);
    } else {
      x = L::Rescaling(1.0 / 128.0, {.offset = -1})(x);
    }
  }
  const auto& args = stages(v.key);
  x = swish(bn(conv(x, round_filters(args[0].input_filters), 3, 2, "stem_conv"), "stem_bn"), "stem_activation");
  double total = 0;
  for (const auto& a : args) total += static_cast<double>(a.num_repeat);  // Keras sums the unrounded repeats
  int64_t b = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    Stage a = args[i];
    a.input_filters = round_filters(a.input_filters);
    a.output_filters = round_filters(a.output_filters);
    const int64_t repeats = round_repeats(a.num_repeat);
    for (int64_t j = 0; j < repeats; ++j) {
      if (j > 0) {
        a.strides = 1;
        a.input_filters = a.output_filters;
      }
      const std::string name = "block" + std::to_string(i + 1) + static_cast<char>('a' + j) + "_";
      const double survival = kDropConnectRate * static_cast<double>(b) / total;
      x = a.fused ? fused_mb_conv(x, a, survival, name) : mb_conv(x, a, survival, name);
      ++b;
    }
  }
  x = swish(bn(conv(x, round_filters(1280), 1, 1, "top_conv"), "top_bn"), "top_activation");
  if (o.include_top) {
    x = L::GlobalAveragePooling2D({.name = "avg_pool"})(x);
    x = L::Dropout(kDropoutRate, {.name = "top_dropout"})(x);
    imagenet_utils::validate_activation(o.classifier_activation, o.weights);
    x = L::Dense(o.classes, detail::classifier_activation(c),
                 {.kernel_initializer = initializers::VarianceScaling(1.0 / 3.0, "fan_out", "uniform"),
                  .bias_initializer = initializers::Constant(0.0),
                  .name = "predictions"})(x);
  } else if (o.pooling == "avg") {
    x = L::GlobalAveragePooling2D({.name = "avg_pool"})(x);
  } else if (o.pooling == "max") {
    x = L::GlobalMaxPooling2D({.name = "max_pool"})(x);
  }
  const std::string name = o.name.empty() ? default_name : o.name;  // Keras names the file after the model
  return detail::finish(c, img_input, x, default_name,
                        {"https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/", name + ".h5",
                         name + "_notop.h5"});
}

}  // namespace

std::shared_ptr<models::Model> EfficientNetV2B0(EfficientNetV2Options o) { return build(o, {"b0", 1.0, 1.0, 224}); }
std::shared_ptr<models::Model> EfficientNetV2B1(EfficientNetV2Options o) { return build(o, {"b1", 1.0, 1.1, 240}); }
std::shared_ptr<models::Model> EfficientNetV2B2(EfficientNetV2Options o) { return build(o, {"b2", 1.1, 1.2, 260}); }
std::shared_ptr<models::Model> EfficientNetV2B3(EfficientNetV2Options o) { return build(o, {"b3", 1.2, 1.4, 300}); }
std::shared_ptr<models::Model> EfficientNetV2S(EfficientNetV2Options o) { return build(o, {"s", 1.0, 1.0, 384}); }
std::shared_ptr<models::Model> EfficientNetV2M(EfficientNetV2Options o) { return build(o, {"m", 1.0, 1.0, 480}); }
std::shared_ptr<models::Model> EfficientNetV2L(EfficientNetV2Options o) { return build(o, {"l", 1.0, 1.0, 480}); }

Tensor efficientnet_v2::preprocess_input(const Tensor& x, const std::string&) { return x; }

}  // namespace keras::applications
