// EfficientNet B0-B7 (keras/src/applications/efficientnet.py): MBConv blocks scaled in
// width and depth; the model rescales and normalizes its own input.
#include "keras/applications/efficientnet.h"

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
#include "keras/layers/reshaping/zero_padding2d.h"

namespace keras::applications {

using layers::KerasTensor;
namespace L = layers;

namespace {

constexpr int64_t kBnAxis = 3;

initializers::Initializer conv_init() { return initializers::VarianceScaling(2.0, "fan_out", "truncated_normal"); }
initializers::Initializer dense_init() { return initializers::VarianceScaling(1.0 / 3.0, "fan_out", "uniform"); }

struct BlockArgs {
  int64_t kernel_size, repeats, filters_in, filters_out, expand_ratio;
  bool id_skip;
  int64_t strides;
  double se_ratio;
};

const std::array<BlockArgs, 7> kDefaultBlocks{{{3, 1, 32, 16, 1, true, 1, 0.25},
                                               {3, 2, 16, 24, 6, true, 2, 0.25},
                                               {5, 2, 24, 40, 6, true, 2, 0.25},
                                               {3, 3, 40, 80, 6, true, 2, 0.25},
                                               {5, 3, 80, 112, 6, true, 1, 0.25},
                                               {5, 4, 112, 192, 6, true, 2, 0.25},
                                               {3, 1, 192, 320, 6, true, 1, 0.25}}};

KerasTensor bn_act(const KerasTensor& x, const std::string& bn_name, const std::string& act_name) {
  return L::Activation("swish", {.name = act_name})(L::BatchNormalization({.axis = kBnAxis, .name = bn_name})(x));
}

KerasTensor block(const KerasTensor& inputs, double drop_rate, const std::string& name, const BlockArgs& a) {
  const int64_t filters = a.filters_in * a.expand_ratio;
  KerasTensor x = inputs;
  if (a.expand_ratio != 1) {
    x = L::Conv2D(
        filters, 1,
        {.padding = "same", .use_bias = false, .kernel_initializer = conv_init(), .name = name + "expand_conv"})(x);
    x = bn_act(x, name + "expand_bn", name + "expand_activation");
  }
  std::string conv_pad = "same";
  if (a.strides == 2) {
    x = L::ZeroPadding2D(imagenet_utils::correct_pad(x, a.kernel_size), {.name = name + "dwconv_pad"})(x);
    conv_pad = "valid";
  }
  x = L::DepthwiseConv2D(a.kernel_size, {.strides = a.strides,
                                         .padding = conv_pad,
                                         .use_bias = false,
                                         .depthwise_initializer = conv_init(),
                                         .name = name + "dwconv"})(x);
  x = bn_act(x, name + "bn", name + "activation");
  if (a.se_ratio > 0 && a.se_ratio <= 1) {
    const int64_t filters_se =
        std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(a.filters_in) * a.se_ratio));
    KerasTensor se = L::GlobalAveragePooling2D({.name = name + "se_squeeze"})(x);
    se = L::Reshape({1, 1, filters}, {.name = name + "se_reshape"})(se);
    se = L::Conv2D(
        filters_se, 1,
        {.padding = "same", .activation = "swish", .kernel_initializer = conv_init(), .name = name + "se_reduce"})(se);
    se = L::Conv2D(
        filters, 1,
        {.padding = "same", .activation = "sigmoid", .kernel_initializer = conv_init(), .name = name + "se_expand"})(
        se);
    x = L::Multiply({.name = name + "se_excite"})({x, se});
  }
  x = L::Conv2D(
      a.filters_out, 1,
      {.padding = "same", .use_bias = false, .kernel_initializer = conv_init(), .name = name + "project_conv"})(x);
  x = L::BatchNormalization({.axis = kBnAxis, .name = name + "project_bn"})(x);
  if (a.id_skip && a.strides == 1 && a.filters_in == a.filters_out) {
    if (drop_rate > 0) x = L::Dropout(drop_rate, {.noise_shape = Shape({kNone, 1, 1, 1}), .name = name + "drop"})(x);
    x = L::Add({.name = name + "add"})({x, inputs});
  }
  return x;
}

struct Scaling {
  double width, depth;
  int64_t default_size;
  double dropout_rate;
};

std::shared_ptr<models::Model> build(const ApplicationOptions& o, const Scaling& s, const std::string& default_name) {
  constexpr double kDropConnectRate = 0.2;
  constexpr int64_t kDivisor = 8;
  detail::check_weights(o, default_name);
  const KerasTensor img_input = detail::image_input(o, detail::input_shape(o, s.default_size, 32, o.include_top));
  auto round_filters = [&](int64_t filters) {
    const double f = static_cast<double>(filters) * s.width;
    int64_t new_filters = std::max<int64_t>(kDivisor, static_cast<int64_t>(f + kDivisor / 2.0) / kDivisor * kDivisor);
    if (static_cast<double>(new_filters) < 0.9 * f) new_filters += kDivisor;
    return new_filters;
  };
  auto round_repeats = [&](int64_t repeats) {
    return static_cast<int64_t>(std::ceil(s.depth * static_cast<double>(repeats)));
  };

  KerasTensor x = L::Rescaling(1.0 / 255.0)(img_input);
  x = L::Normalization({.axis = {kBnAxis}})(x);
  if (detail::imagenet(o))  // Keras's fix for the original model dividing by the variance, not the deviation
    x = L::Rescaling({1 / std::sqrt(0.229), 1 / std::sqrt(0.224), 1 / std::sqrt(0.225)})(x);
  x = L::ZeroPadding2D(imagenet_utils::correct_pad(x, 3), {.name = "stem_conv_pad"})(x);
  x = L::Conv2D(
      round_filters(32), 3,
      {.strides = 2, .padding = "valid", .use_bias = false, .kernel_initializer = conv_init(), .name = "stem_conv"})(x);
  x = bn_act(x, "stem_bn", "stem_activation");

  double total = 0;
  for (const auto& a : kDefaultBlocks) total += static_cast<double>(round_repeats(a.repeats));
  int64_t b = 0;
  for (size_t i = 0; i < kDefaultBlocks.size(); ++i) {
    BlockArgs a = kDefaultBlocks[i];
    a.filters_in = round_filters(a.filters_in);
    a.filters_out = round_filters(a.filters_out);
    const int64_t repeats = round_repeats(a.repeats);
    for (int64_t j = 0; j < repeats; ++j) {
      if (j > 0) {
        a.strides = 1;
        a.filters_in = a.filters_out;
      }
      const std::string name = "block" + std::to_string(i + 1) + static_cast<char>('a' + j) + "_";
      x = block(x, kDropConnectRate * static_cast<double>(b) / total, name, a);
      ++b;
    }
  }
  x = L::Conv2D(round_filters(1280), 1,
                {.padding = "same", .use_bias = false, .kernel_initializer = conv_init(), .name = "top_conv"})(x);
  x = bn_act(x, "top_bn", "top_activation");
  if (o.include_top) {
    x = L::GlobalAveragePooling2D({.name = "avg_pool"})(x);
    if (s.dropout_rate > 0) x = L::Dropout(s.dropout_rate, {.name = "top_dropout"})(x);
    imagenet_utils::validate_activation(o.classifier_activation, o.weights);
    x = L::Dense(o.classes, detail::classifier_activation(o),
                 {.kernel_initializer = dense_init(), .name = "predictions"})(x);
  } else if (o.pooling == "avg") {
    x = L::GlobalAveragePooling2D({.name = "avg_pool"})(x);
  } else if (o.pooling == "max") {
    x = L::GlobalMaxPooling2D({.name = "max_pool"})(x);
  }
  const std::string name = o.name.empty() ? default_name : o.name;  // Keras names the file after the model
  return detail::finish(o, img_input, x, default_name,
                        {"https://storage.googleapis.com/keras-applications/", name + ".h5", name + "_notop.h5"});
}

}  // namespace

std::shared_ptr<models::Model> EfficientNetB0(ApplicationOptions o) {
  return build(o, {1.0, 1.0, 224, 0.2}, "efficientnetb0");
}
std::shared_ptr<models::Model> EfficientNetB1(ApplicationOptions o) {
  return build(o, {1.0, 1.1, 240, 0.2}, "efficientnetb1");
}
std::shared_ptr<models::Model> EfficientNetB2(ApplicationOptions o) {
  return build(o, {1.1, 1.2, 260, 0.3}, "efficientnetb2");
}
std::shared_ptr<models::Model> EfficientNetB3(ApplicationOptions o) {
  return build(o, {1.2, 1.4, 300, 0.3}, "efficientnetb3");
}
std::shared_ptr<models::Model> EfficientNetB4(ApplicationOptions o) {
  return build(o, {1.4, 1.8, 380, 0.4}, "efficientnetb4");
}
std::shared_ptr<models::Model> EfficientNetB5(ApplicationOptions o) {
  return build(o, {1.6, 2.2, 456, 0.4}, "efficientnetb5");
}
std::shared_ptr<models::Model> EfficientNetB6(ApplicationOptions o) {
  return build(o, {1.8, 2.6, 528, 0.5}, "efficientnetb6");
}
std::shared_ptr<models::Model> EfficientNetB7(ApplicationOptions o) {
  return build(o, {2.0, 3.1, 600, 0.5}, "efficientnetb7");
}

Tensor efficientnet::preprocess_input(const Tensor& x, const std::string&) { return x; }

}  // namespace keras::applications
