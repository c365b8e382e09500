// keras.applications.MobileNetV2 (keras/src/applications/mobilenet_v2.py): inverted residual
// blocks, width `alpha`; Keras's layers, names and weights, so its ImageNet files load.
// mobilenet_v2::preprocess_input scales to [-1, 1].
//
//   auto model = applications::MobileNetV2({.input_shape = Shape({96, 96, 3}), .alpha = 0.35,
//                                           .include_top = false, .pooling = "avg"});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

/// keras.applications.MobileNetV2's arguments, in its order (input_shape first).
struct MobileNetV2Options {
  std::optional<Shape> input_shape{};
  double alpha = 1.0;  // width multiplier: 0.35, 0.5, 0.75, 1.0, 1.3, 1.4 have ImageNet weights
  bool include_top = true;
  std::string weights{};  // "", "imagenet" or a path: see ApplicationOptions
  std::optional<layers::KerasTensor> input_tensor{};
  std::string pooling{};
  int64_t classes = 1000;
  std::string classifier_activation = "softmax";
  std::string name{};  // "" = "mobilenetv2_{alpha:.2f}_{rows}"
};

std::shared_ptr<models::Model> MobileNetV2(MobileNetV2Options options = {});

namespace mobilenet_v2 {
/// RGB images in 0..255 -> [-1, 1].
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace mobilenet_v2

}  // namespace keras::applications
