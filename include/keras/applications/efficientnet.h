// keras.applications EfficientNetB0 ... EfficientNetB7 (keras/src/applications/efficientnet.py):
// Keras's layers, names and weights, so its ImageNet files load. The models rescale and
// normalize their own input (feed RGB in 0..255); efficientnet::preprocess_input does
// nothing, as in Keras. With weights = "imagenet" the model gains Keras's extra
// `Rescaling` after its Normalization (the ImageNet files were made dividing by the
// variance); with weights = a path it is Keras's weights=None model.
//
//   auto model = applications::EfficientNetB0({.include_top = false, .pooling = "avg"});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

std::shared_ptr<models::Model> EfficientNetB0(ApplicationOptions options = {});
std::shared_ptr<models::Model> EfficientNetB1(ApplicationOptions options = {});
std::shared_ptr<models::Model> EfficientNetB2(ApplicationOptions options = {});
std::shared_ptr<models::Model> EfficientNetB3(ApplicationOptions options = {});
std::shared_ptr<models::Model> EfficientNetB4(ApplicationOptions options = {});
std::shared_ptr<models::Model> EfficientNetB5(ApplicationOptions options = {});
std::shared_ptr<models::Model> EfficientNetB6(ApplicationOptions options = {});
std::shared_ptr<models::Model> EfficientNetB7(ApplicationOptions options = {});

namespace efficientnet {
/// Returns x: the models rescale and normalize their input themselves.
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace efficientnet

}  // namespace keras::applications
