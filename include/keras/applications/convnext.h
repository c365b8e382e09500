// keras.applications ConvNeXtTiny, ConvNeXtSmall, ConvNeXtBase, ConvNeXtLarge, ConvNeXtXLarge
// (keras/src/applications/convnext.py): Keras's layers (nested Sequential stem and
// downsampling blocks, LayerScale), names and weights, so its ImageNet files load. With
// include_preprocessing the model normalizes its own input (feed RGB in 0..255);
// convnext::preprocess_input does nothing, as in Keras.
//
//   auto model = applications::ConvNeXtTiny({.include_top = false, .pooling = "avg"});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

/// keras.applications.ConvNeXt*'s arguments, in their order.
struct ConvNeXtOptions {
  bool include_top = true;
  bool include_preprocessing = true;
  std::string weights{};  // "", "imagenet" or a path: see ApplicationOptions
  std::optional<layers::KerasTensor> input_tensor{};
  std::optional<Shape> input_shape{};
  std::string pooling{};
  int64_t classes = 1000;
  std::string classifier_activation = "softmax";
  std::string name{};  // "" = "convnext_tiny" ...
};

std::shared_ptr<models::Model> ConvNeXtTiny(ConvNeXtOptions options = {});
std::shared_ptr<models::Model> ConvNeXtSmall(ConvNeXtOptions options = {});
std::shared_ptr<models::Model> ConvNeXtBase(ConvNeXtOptions options = {});
std::shared_ptr<models::Model> ConvNeXtLarge(ConvNeXtOptions options = {});
std::shared_ptr<models::Model> ConvNeXtXLarge(ConvNeXtOptions options = {});

namespace convnext {
/// Returns x: the models normalize their input themselves.
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace convnext

}  // namespace keras::applications
