// keras.applications DenseNet121, DenseNet169, DenseNet201 (keras/src/applications/densenet.py):
// Keras's layers, names and weights, so its ImageNet files load; densenet::preprocess_input
// is Keras's ("torch" mode: 0..1, ImageNet mean and standard deviation).
//
//   auto model = applications::DenseNet121({.include_top = false, .pooling = "avg"});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

std::shared_ptr<models::Model> DenseNet121(ApplicationOptions options = {});
std::shared_ptr<models::Model> DenseNet169(ApplicationOptions options = {});
std::shared_ptr<models::Model> DenseNet201(ApplicationOptions options = {});

namespace densenet {
/// RGB images in 0..255 -> 0..1, minus the ImageNet means, over the standard deviations.
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace densenet

}  // namespace keras::applications
