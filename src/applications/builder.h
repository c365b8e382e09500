// The steps every keras.applications constructor repeats: the `weights` argument, the
// input, the classifier or pooling top, and the model with its weights loaded.
#pragma once

#include <memory>
#include <string>

#include "keras/applications/imagenet_utils.h"
#include "keras/models/model.h"

namespace keras::applications::detail {

/// Keras's ImageNet weight files for one model: the file names (with and without the
/// classifier top) under Keras's download URL.
struct ImagenetFiles {
  std::string base_url;
  std::string top_file;
  std::string notop_file;
};

/// The common fields of a family's own options struct (MobileNetOptions, ...).
template <typename Options>
ApplicationOptions common(const Options& o) {
  return ApplicationOptions{.include_top = o.include_top,
                            .weights = o.weights,
                            .input_tensor = o.input_tensor,
                            .input_shape = o.input_shape,
                            .pooling = o.pooling,
                            .classes = o.classes,
                            .classifier_activation = o.classifier_activation,
                            .name = o.name};
}

/// Keras's checks of `weights` and `classes` at the start of every constructor.
void check_weights(const ApplicationOptions& o, const std::string& model);

/// Keras's `weights == "imagenet"` (the Keras download cache is where the file comes from).
inline bool imagenet(const ApplicationOptions& o) { return o.weights == "imagenet"; }

/// obtain_input_shape with the options' input_shape and weights.
Shape input_shape(const ApplicationOptions& o, int64_t default_size, int64_t min_size, bool require_flatten);

/// Input(shape), or the caller's input_tensor.
layers::KerasTensor image_input(const ApplicationOptions& o, const Shape& shape);

/// The top most families share: GlobalAveragePooling2D "avg_pool" and Dense
/// "predictions" with include_top, else the optional "avg_pool" / "max_pool".
layers::KerasTensor pooled_top(const layers::KerasTensor& x, const ApplicationOptions& o);

/// The include_top = false pooling of the families that leave it unnamed
/// (global_average_pooling2d / global_max_pooling2d): "", "avg" or "max".
layers::KerasTensor unnamed_pooling(const layers::KerasTensor& x, const std::string& pooling);

/// The Functional model from the input's sources to x, named o.name or default_name,
/// with the weights o asks for loaded.
std::shared_ptr<models::Model> finish(const ApplicationOptions& o, const layers::KerasTensor& img_input,
                                      const layers::KerasTensor& x, const std::string& default_name,
                                      const ImagenetFiles& files);

/// Dense's and Activation's spelling of classifier_activation ("" = linear).
std::string classifier_activation(const ApplicationOptions& o);

}  // namespace keras::applications::detail

namespace keras::applications::detail {

/// Python's str(float): the shortest text that reads back as v, with ".0" when whole ("1.0", "0.35").
std::string python_float(double v);
/// Python's f"{v:0.2f}".
std::string fixed2(double v);
/// A size as Python prints it: "None" for an unknown one.
std::string python_size(int64_t v);

}  // namespace keras::applications::detail
