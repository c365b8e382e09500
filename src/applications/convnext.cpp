// ConvNeXt Tiny, Small, Base, Large, XLarge (keras/src/applications/convnext.py): a
// patchify stem and downsampling blocks (nested Sequential models, as Keras builds them),
// stages of depthwise 7x7 + LayerNormalization + MLP blocks with LayerScale.
#include "keras/applications/convnext.h"

#include "applications/builder.h"
#include "keras/applications/application_layers.h"
#include "keras/layers/activations/activation.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/core/dense.h"
#include "keras/layers/core/op_layers.h"
#include "keras/layers/normalization/layer_normalization.h"
#include "keras/layers/pooling/global_average_pooling2d.h"
#include "keras/layers/pooling/global_max_pooling2d.h"
#include "keras/layers/preprocessing/normalization.h"
#include "keras/models/sequential.h"

namespace keras::applications {

using layers::KerasTensor;
namespace L = layers;

namespace {

constexpr double kEpsilon = 1e-6;

KerasTensor convnext_block(const KerasTensor& inputs, int64_t projection_dim, double layer_scale_init_value,
                           const std::string& name) {
  KerasTensor x = L::Conv2D(projection_dim, 7,
                            {.padding = "same", .groups = projection_dim, .name = name + "_depthwise_conv"})(inputs);
  x = L::LayerNormalization({.epsilon = kEpsilon, .name = name + "_layernorm"})(x);
  x = L::Dense(4 * projection_dim, {.name = name + "_pointwise_conv_1"})(x);
  x = L::Activation("gelu", {.name = name + "_gelu"})(x);
  x = L::Dense(projection_dim, {.name = name + "_pointwise_conv_2"})(x);
  x = LayerScale(layer_scale_init_value, projection_dim, {.name = name + "_layer_scale"})(x);
  x = L::Activation("linear", {.name = name + "_identity"})(x);  // drop_path_rate 0: no StochasticDepth
  // Keras writes `inputs + x`: a keras.src.ops.numpy Add graph operation, not an Add layer.
  auto add = std::make_shared<L::BinaryOperation>(L::BinaryOperation::Kind::add);
  return (*add)({inputs, x});
}

struct Variant {
  std::string key;  // tiny, small, base, large, xlarge
  std::array<int, 4> depths;
  std::array<int64_t, 4> projection_dims;
};

std::shared_ptr<models::Model> build(const ConvNeXtOptions& o, const Variant& v) {
  constexpr int64_t kDefaultSize = 224;
  const std::string default_name = "convnext_" + v.key;
  const std::string name = o.name.empty() ? default_name : o.name;
  const ApplicationOptions c = detail::common(o);
  detail::check_weights(c, default_name);
  if (detail::imagenet(c) && name.find(default_name) == std::string::npos)
    throw ValueError(keras::detail::cat("Model name \"", name, "\" does not match weights variant \"", default_name,
                                        "\". When using imagenet weights, model name must contain the weights variant "
                                        "(e.g., \"",
                                        default_name, "\")."));
  const Shape shape = detail::input_shape(c, kDefaultSize, 32, o.include_top);
  const KerasTensor img_input = detail::image_input(c, shape);
  KerasTensor x = img_input;
  if (o.include_preprocessing && shape[2] == 3)
    x = L::Normalization({.mean = std::vector<double>{0.485 * 255, 0.456 * 255, 0.406 * 255},
                          .variance = std::vector<double>{(0.229 * 255) * (0.229 * 255), (0.224 * 255) * (0.224 * 255),
                                                          (0.225 * 255) * (0.225 * 255)},
                          .name = name + "_prestem_normalization"})(x);
  std::vector<std::shared_ptr<models::Sequential>> downsample;
  downsample.push_back(std::make_shared<models::Sequential>(
      std::initializer_list<L::LayerHandle>{
          L::Conv2D(v.projection_dims[0], 4, {.strides = 4, .name = name + "_stem_conv"}),
          L::LayerNormalization({.epsilon = kEpsilon, .name = name + "_stem_layernorm"})},
      name + "_stem"));
  for (int i = 0; i < 3; ++i) {
    const std::string id = std::to_string(i);
    downsample.push_back(std::make_shared<models::Sequential>(
        std::initializer_list<L::LayerHandle>{
            L::LayerNormalization({.epsilon = kEpsilon, .name = name + "_downsampling_layernorm_" + id}),
            L::Conv2D(v.projection_dims[static_cast<size_t>(i) + 1], 2,
                      {.strides = 2, .name = name + "_downsampling_conv_" + id})},
        name + "_downsampling_block_" + id));
  }
  for (size_t i = 0; i < 4; ++i) {
    x = (*downsample[i])(x);
    for (int j = 0; j < v.depths[i]; ++j)
      x = convnext_block(x, v.projection_dims[i], 1e-6,
                         name + "_stage_" + std::to_string(i) + "_block_" + std::to_string(j));
  }
  if (o.include_top) {
    imagenet_utils::validate_activation(o.classifier_activation, o.weights);
    x = L::GlobalAveragePooling2D({.name = name + "_head_gap"})(x);
    x = L::LayerNormalization({.epsilon = kEpsilon, .name = name + "_head_layernorm"})(x);
    x = L::Dense(o.classes, detail::classifier_activation(c), {.name = name + "_head_dense"})(x);
  } else {
    x = detail::unnamed_pooling(x, o.pooling);
    x = L::LayerNormalization({.epsilon = kEpsilon})(x);
  }
  return detail::finish(
      c, img_input, x, default_name,
      {"https://storage.googleapis.com/tensorflow/keras-applications/convnext/", name + ".h5", name + "_notop.h5"});
}

}  // namespace

std::shared_ptr<models::Model> ConvNeXtTiny(ConvNeXtOptions o) {
  return build(o, {"tiny", {3, 3, 9, 3}, {96, 192, 384, 768}});
}
std::shared_ptr<models::Model> ConvNeXtSmall(ConvNeXtOptions o) {
  return build(o, {"small", {3, 3, 27, 3}, {96, 192, 384, 768}});
}
std::shared_ptr<models::Model> ConvNeXtBase(ConvNeXtOptions o) {
  return build(o, {"base", {3, 3, 27, 3}, {128, 256, 512, 1024}});
}
std::shared_ptr<models::Model> ConvNeXtLarge(ConvNeXtOptions o) {
  return build(o, {"large", {3, 3, 27, 3}, {192, 384, 768, 1536}});
}
std::shared_ptr<models::Model> ConvNeXtXLarge(ConvNeXtOptions o) {
  return build(o, {"xlarge", {3, 3, 27, 3}, {256, 512, 1024, 2048}});
}

Tensor convnext::preprocess_input(const Tensor& x, const std::string&) { return x; }

}  // namespace keras::applications
