// VGG16 and VGG19 (keras/src/applications/vgg16.py, vgg19.py): five blocks of 3x3 "same"
// convolutions and 2x2 max pooling, then Flatten and two 4096-unit layers.
#include "applications/builder.h"
#include "keras/applications/vgg16.h"
#include "keras/applications/vgg19.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/core/dense.h"
#include "keras/layers/pooling/max_pooling2d.h"
#include "keras/layers/reshaping/flatten.h"

namespace keras::applications {

using layers::KerasTensor;
namespace L = layers;

namespace {

/// convs_per_block: VGG16 {2, 2, 3, 3, 3}, VGG19 {2, 2, 4, 4, 4}.
std::shared_ptr<models::Model> vgg(const ApplicationOptions& o, std::array<int, 5> convs_per_block,
                                   const std::string& name) {
  detail::check_weights(o, name);
  const KerasTensor img_input = detail::image_input(o, detail::input_shape(o, 224, 32, o.include_top));
  KerasTensor x = img_input;
  const std::array<int64_t, 5> filters{64, 128, 256, 512, 512};
  for (size_t b = 0; b < 5; ++b) {
    const std::string block = "block" + std::to_string(b + 1);
    for (int c = 1; c <= convs_per_block[b]; ++c)
      x = L::Conv2D(filters[b], 3,
                    {.padding = "same", .activation = "relu", .name = block + "_conv" + std::to_string(c)})(x);
    x = L::MaxPooling2D(2, {.strides = 2, .name = block + "_pool"})(x);
  }
  if (o.include_top) {
    x = L::Flatten({.name = "flatten"})(x);
    x = L::Dense(4096, "relu", {.name = "fc1"})(x);
    x = L::Dense(4096, "relu", {.name = "fc2"})(x);
    imagenet_utils::validate_activation(o.classifier_activation, o.weights);
    x = L::Dense(o.classes, detail::classifier_activation(o), {.name = "predictions"})(x);
  } else {
    x = detail::unnamed_pooling(x, o.pooling);
  }
  const std::string stem = name + "_weights_tf_dim_ordering_tf_kernels";
  return detail::finish(
      o, img_input, x, name,
      {"https://storage.googleapis.com/tensorflow/keras-applications/" + name + "/", stem + ".h5", stem + "_notop.h5"});
}

}  // namespace

std::shared_ptr<models::Model> VGG16(ApplicationOptions o) { return vgg(o, {2, 2, 3, 3, 3}, "vgg16"); }
std::shared_ptr<models::Model> VGG19(ApplicationOptions o) { return vgg(o, {2, 2, 4, 4, 4}, "vgg19"); }

Tensor vgg16::preprocess_input(const Tensor& x, const std::string& data_format) {
  return imagenet_utils::preprocess_input(x, data_format, "caffe");
}
Tensor vgg19::preprocess_input(const Tensor& x, const std::string& data_format) {
  return imagenet_utils::preprocess_input(x, data_format, "caffe");
}

}  // namespace keras::applications
