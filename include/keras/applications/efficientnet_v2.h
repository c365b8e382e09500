// keras.applications EfficientNetV2B0 ... B3, S, M, L (keras/src/applications/efficientnet_v2.py):
// Keras's layers, names and weights, so its ImageNet files load. With include_preprocessing
// the models rescale their own input (feed RGB in 0..255: B0-B3 to 0..1 and ImageNet-
// normalized, S/M/L to [-1, 1]); efficientnet_v2::preprocess_input does nothing, as in Keras.
//
//   auto model = applications::EfficientNetV2B0({.include_top = false, .pooling = "avg"});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

/// keras.applications.EfficientNetV2*'s arguments, in their order.
struct EfficientNetV2Options {
  bool include_top = true;
  std::string weights{};  // "", "imagenet" or a path: see ApplicationOptions
  std::optional<layers::KerasTensor> input_tensor{};
  std::optional<Shape> input_shape{};
  std::string pooling{};
  int64_t classes = 1000;
  std::string classifier_activation = "softmax";
  bool include_preprocessing = true;
  std::string name{};  // "" = "efficientnetv2-b0" ...
};

std::shared_ptr<models::Model> EfficientNetV2B0(EfficientNetV2Options options = {});
std::shared_ptr<models::Model> EfficientNetV2B1(EfficientNetV2Options options = {});
std::shared_ptr<models::Model> EfficientNetV2B2(EfficientNetV2Options options = {});
std::shared_ptr<models::Model> EfficientNetV2B3(EfficientNetV2Options options = {});
std::shared_ptr<models::Model> EfficientNetV2S(EfficientNetV2Options options = {});
std::shared_ptr<models::Model> EfficientNetV2M(EfficientNetV2Options options = {});
std::shared_ptr<models::Model> EfficientNetV2L(EfficientNetV2Options options = {});

namespace efficientnet_v2 {
/// Returns x: the models rescale their input themselves.
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace efficientnet_v2

}  // namespace keras::applications
