// keras.applications MobileNetV3Small and MobileNetV3Large (keras/src/applications/mobilenet_v3.py):
// Keras's layers, names, operations (hard sigmoid as `relu6(x + 3) * (1/6)` graph
// operations) and weights, so its ImageNet files load. The model rescales its own input
// (include_preprocessing): feed RGB in 0..255; mobilenet_v3::preprocess_input does nothing,
// as in Keras.
//
//   auto model = applications::MobileNetV3Small({.input_shape = Shape({96, 96, 3}), .include_top = false});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

/// keras.applications.MobileNetV3Small/Large's arguments, in their order.
struct MobileNetV3Options {
  std::optional<Shape> input_shape{};  // default (None, None, 3)
  double alpha = 1.0;                  // width multiplier: 0.75 and 1.0 have ImageNet weights
  bool minimalistic = false;           // 3x3 kernels, relu, no squeeze-excite
  bool include_top = true;
  std::string weights{};  // "", "imagenet" or a path: see ApplicationOptions
  std::optional<layers::KerasTensor> input_tensor{};
  int64_t classes = 1000;
  std::string pooling{};
  double dropout_rate = 0.2;
  std::string classifier_activation = "softmax";
  bool include_preprocessing = true;  // Rescaling(1/127.5, offset=-1) as the first layer
  std::string name{};                 // "" = "MobileNetV3Small" / "MobileNetV3Large"
};

std::shared_ptr<models::Model> MobileNetV3Small(MobileNetV3Options options = {});
std::shared_ptr<models::Model> MobileNetV3Large(MobileNetV3Options options = {});

namespace mobilenet_v3 {
/// Returns x: the models rescale their input themselves (Keras keeps this for compatibility).
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace mobilenet_v3

}  // namespace keras::applications
