// keras.applications.InceptionResNetV2 (keras/src/applications/inception_resnet_v2.py):
// 299x299 by default; Keras's layers (its CustomScaleLayer too), names and weights, so
// its ImageNet files load; inception_resnet_v2::preprocess_input scales to [-1, 1].
//
//   auto model = applications::InceptionResNetV2({.include_top = false, .pooling = "avg"});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

std::shared_ptr<models::Model> InceptionResNetV2(ApplicationOptions options = {});

namespace inception_resnet_v2 {
/// RGB images in 0..255 -> [-1, 1].
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace inception_resnet_v2

}  // namespace keras::applications
