// keras.applications.InceptionV3 (keras/src/applications/inception_v3.py): 299x299 by
// default; Keras's layers, names and weights, so its ImageNet files load;
// inception_v3::preprocess_input scales to [-1, 1].
//
//   auto model = applications::InceptionV3({.include_top = false, .pooling = "avg"});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

std::shared_ptr<models::Model> InceptionV3(ApplicationOptions options = {});

namespace inception_v3 {
/// RGB images in 0..255 -> [-1, 1].
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace inception_v3

}  // namespace keras::applications
