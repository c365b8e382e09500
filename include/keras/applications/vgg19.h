// keras.applications.VGG19 (keras/src/applications/vgg19.py): Keras's model layer for layer,
// so Keras's ImageNet files load into it; vgg19::preprocess_input is Keras's ("caffe" mode).
//
//   auto model = applications::VGG19({.include_top = false, .input_shape = Shape({64, 64, 3}), .pooling = "max"});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

std::shared_ptr<models::Model> VGG19(ApplicationOptions options = {});

namespace vgg19 {
/// RGB images in 0..255 -> BGR, each channel minus its ImageNet mean.
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace vgg19

}  // namespace keras::applications
