// keras.applications NASNetMobile and NASNetLarge (keras/src/applications/nasnet.py):
// Keras's cells, layer names and weights, so its ImageNet files load;
// nasnet::preprocess_input scales to [-1, 1].
//
//   auto model = applications::NASNetMobile({.include_top = false, .pooling = "avg"});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

/// keras.applications.NASNetMobile/NASNetLarge's arguments, in their order.
struct NASNetOptions {
  std::optional<Shape> input_shape{};  // Mobile: 224x224x3, Large: 331x331x3 by default
  bool include_top = true;
  std::string weights{};  // "", "imagenet" or a path: see ApplicationOptions
  std::optional<layers::KerasTensor> input_tensor{};
  std::string pooling{};
  int64_t classes = 1000;
  std::string classifier_activation = "softmax";
  std::string name{};  // "" = "nasnet_mobile" / "nasnet_large"
};

std::shared_ptr<models::Model> NASNetMobile(NASNetOptions options = {});
std::shared_ptr<models::Model> NASNetLarge(NASNetOptions options = {});

namespace nasnet {
/// RGB images in 0..255 -> [-1, 1].
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace nasnet

}  // namespace keras::applications
