// keras.applications ResNet50V2, ResNet101V2, ResNet152V2 (keras/src/applications/resnet_v2.py,
// built by resnet.py's ResNet with pre-activation blocks); resnet_v2::preprocess_input
// scales to [-1, 1] ("tf" mode).
//
//   auto model = applications::ResNet50V2({.weights = "resnet50v2_weights_tf_dim_ordering_tf_kernels.h5"});
#pragma once

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications {

std::shared_ptr<models::Model> ResNet50V2(ApplicationOptions options = {});
std::shared_ptr<models::Model> ResNet101V2(ApplicationOptions options = {});
std::shared_ptr<models::Model> ResNet152V2(ApplicationOptions options = {});

namespace resnet_v2 {
/// RGB images in 0..255 -> [-1, 1].
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last");
}  // namespace resnet_v2

}  // namespace keras::applications
