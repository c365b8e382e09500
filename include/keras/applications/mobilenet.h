// keras.applications.MobileNet (keras/src/applications/mobilenet.py): depthwise separable
// blocks, width `alpha`, `depth_multiplier`; Keras's layers, names and weights, so its
// ImageNet files load. mobilenet::preprocess_input scales to [-1, 1].
//
//   auto model = applications::MobileNet({.input_shape = Shape({128, 128, 3}), .alpha = 0.5});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

/// keras.applications.MobileNet's arguments, in its order (input_shape first).
struct MobileNetOptions {
  std::optional<Shape> input_shape{};
  double alpha = 1.0;  // width multiplier: 0.25, 0.5, 0.75, 1.0 have ImageNet weights
  int64_t depth_multiplier = 1;
  double dropout = 1e-3;
  bool include_top = true;
  std::string weights{};  // "", "imagenet" or a path: see ApplicationOptions
  std::optional<layers::KerasTensor> input_tensor{};
  std::string pooling{};
  int64_t classes = 1000;
  std::string classifier_activation = "softmax";
  std::string name{};  // "" = "mobilenet_{alpha:.2f}_{rows}"
};

std::shared_ptr<models::Model> MobileNet(MobileNetOptions options = {});

namespace mobilenet {
/// RGB images in 0..255 -> [-1, 1].
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace mobilenet

}  // namespace keras::applications
