// What keras.applications' constructors share (keras/src/applications/imagenet_utils.py):
// the common arguments, the input-shape rules, preprocess_input's three modes.
//
//   auto model = applications::ResNet50({.include_top = false, .pooling = "avg"});
//   Tensor x = applications::resnet::preprocess_input(images);  // RGB 0..255 -> BGR, centred
#pragma once

#include <optional>
#include <string>

#include "keras/layers/keras_tensor.h"
#include "keras/layers/options.h"
#include "keras/tensor/tensor.h"

namespace keras::applications {

/// The arguments of every keras.applications constructor that has no family-specific
/// ones, in Keras's order and with Keras's defaults, except `weights`:
///   ""          random initialization (Keras's None; the default here, nothing is downloaded);
///   "imagenet"  Keras's ImageNet file for this model, taken from Keras's download cache
///               ($KERAS_HOME or ~/.keras, then models/<Keras's file name>) where a Python
///               Keras run has left it; if it is not there the error names the URL to fetch;
///   a path      a weights file: Keras's ImageNet .h5 files (layer_names, a group per
///               layer) load by layer name, other files as Model::load_weights.
struct ApplicationOptions {
  bool include_top = true;
  std::string weights{};
  std::optional<layers::KerasTensor> input_tensor{};
  std::optional<Shape> input_shape{};  // without the batch dim; kNone for a free size
  std::string pooling{};               // with include_top = false: "", "avg" or "max"
  int64_t classes = 1000;
  std::string classifier_activation = "softmax";  // "" = none (linear logits)
  std::string name{};                             // "" = Keras's name for the model
};

namespace imagenet_utils {

/// keras.applications.imagenet_utils.preprocess_input: images with channels last (or
/// first) in 0..255. "caffe": RGB -> BGR, minus the ImageNet channel means; "tf": to
/// [-1, 1]; "torch": to [0, 1], minus the means, over the standard deviations.
Tensor preprocess_input(const Tensor& x, const std::string& data_format = "channels_last",
                        const std::string& mode = "caffe");

/// imagenet_utils.obtain_input_shape: the input shape a model is built for (Keras's
/// checks: 3 dimensions, at least min_size, 3 channels for ImageNet weights, a fixed size
/// with the classifier top).
Shape obtain_input_shape(const std::optional<Shape>& input_shape, int64_t default_size, int64_t min_size,
                         const std::string& data_format, bool require_flatten, const std::string& weights);

/// imagenet_utils.correct_pad: the ((top, bottom), (left, right)) zero padding that makes a
/// strided "valid" convolution of this kernel size see the image as "same" would.
layers::SidesN<2> correct_pad(const layers::KerasTensor& inputs, int64_t kernel_size);

/// imagenet_utils.validate_activation: pretrained classifiers allow only softmax or none.
void validate_activation(const std::string& classifier_activation, const std::string& weights);

}  // namespace imagenet_utils
}  // namespace keras::applications
