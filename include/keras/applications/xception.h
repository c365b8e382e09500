// keras.applications.Xception (keras/src/applications/xception.py): 299x299 by default;
// Keras's layers, names and weights, so its ImageNet files load; xception::preprocess_input
// scales to [-1, 1].
//
//   auto model = applications::Xception({.include_top = false, .input_shape = Shape({150, 150, 3})});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

std::shared_ptr<models::Model> Xception(ApplicationOptions options = {});

namespace xception {
/// RGB images in 0..255 -> [-1, 1].
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace xception

}  // namespace keras::applications
