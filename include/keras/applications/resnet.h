// keras.applications ResNet50, ResNet101, ResNet152 (keras/src/applications/resnet.py):
// Keras's models layer for layer (names, configs, weights in Keras's order), so Keras's
// ImageNet files load into them; resnet::preprocess_input is Keras's ("caffe" mode).
//
//   auto model = applications::ResNet50({});  // 224x224x3 -> 1000 softmax
//   auto features = applications::ResNet50({.include_top = false, .input_shape = Shape({160, 160, 3}),
//                                            .pooling = "avg"});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

std::shared_ptr<models::Model> ResNet50(ApplicationOptions options = {});
std::shared_ptr<models::Model> ResNet101(ApplicationOptions options = {});
std::shared_ptr<models::Model> ResNet152(ApplicationOptions options = {});

namespace resnet {
/// RGB images in 0..255 -> BGR, each channel minus its ImageNet mean.
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace resnet

}  // namespace keras::applications
