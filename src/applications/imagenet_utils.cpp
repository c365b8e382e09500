#include "keras/applications/imagenet_utils.h"

#include "keras/errors.h"
#include "keras/ops/core.h"

namespace keras::applications::imagenet_utils {

using keras::detail::cat;

Tensor preprocess_input(const Tensor& images, const std::string& data_format, const std::string& mode) {
  if (mode != "caffe" && mode != "tf" && mode != "torch")
    throw ValueError(
        cat("preprocess_input: expected mode to be one of `caffe`, `tf` or `torch`. Received: mode=", mode));
  if (data_format != "channels_last" && data_format != "channels_first")
    throw ValueError(cat("preprocess_input: expected data_format to be one of `channels_first` or `channels_last`. ",
                         "Received: data_format=", data_format));
  const int64_t rank = images.shape().rank();
  const bool first = data_format == "channels_first";
  const int64_t channel_axis = first ? (rank == 3 ? 0 : 1) : rank - 1;
  if (rank < 3 || images.shape()[static_cast<size_t>(channel_axis)] != 3)
    throw ValueError(cat("preprocess_input: expected images with 3 channels (", data_format, "), got shape ",
                         images.shape().to_string()));
  Tensor x = is_floating(images.dtype()) ? images : images.astype(DType::float32);
  if (mode == "tf") return x / 127.5 - 1.0;
  std::vector<float> mean, scale;
  if (mode == "torch") {
    x = x / 255.0;
    mean = {0.485f, 0.456f, 0.406f};
    scale = {1 / 0.229f, 1 / 0.224f, 1 / 0.225f};
  } else {
    x = ops::flip(x, channel_axis);  // RGB -> BGR
    mean = {103.939f, 116.779f, 123.68f};
    scale = {1, 1, 1};
  }
  std::vector<int64_t> dims(static_cast<size_t>(rank), 1);
  dims[static_cast<size_t>(channel_axis)] = 3;
  const Shape channel_shape(dims);
  x = x - Tensor::from_vector(mean, channel_shape).astype(x.dtype());
  return mode == "torch" ? x * Tensor::from_vector(scale, channel_shape).astype(x.dtype()) : x;
}

Shape obtain_input_shape(const std::optional<Shape>& input_shape, int64_t default_size, int64_t min_size,
                         const std::string& data_format, bool require_flatten, const std::string& weights) {
  const bool first = data_format == "channels_first";
  const bool imagenet = weights == "imagenet";
  Shape default_shape = first ? Shape({3, default_size, default_size}) : Shape({default_size, default_size, 3});
  if (!imagenet && input_shape && input_shape->rank() == 3)
    default_shape = first ? Shape({(*input_shape)[0], default_size, default_size})
                          : Shape({default_size, default_size, (*input_shape)[2]});
  if (imagenet && require_flatten) {
    if (input_shape && *input_shape != default_shape)
      throw ValueError(cat("When setting `include_top=True` and loading `imagenet` weights, `input_shape` should be ",
                           default_shape.to_string(), ". Received: input_shape=", input_shape->to_string()));
    return default_shape;
  }
  Shape shape;
  if (input_shape) {
    if (input_shape->rank() != 3)
      throw ValueError(
          cat("`input_shape` must be a tuple of three integers. Received: input_shape=", input_shape->to_string()));
    const int64_t channels = (*input_shape)[first ? 0u : 2u];
    if (channels != 3 && imagenet)
      throw ValueError(cat("The input must have 3 channels; Received `input_shape=", input_shape->to_string(), "`"));
    for (size_t axis : first ? std::vector<size_t>{1, 2} : std::vector<size_t>{0, 1}) {
      const int64_t d = (*input_shape)[axis];
      if (d != kNone && d < min_size)
        throw ValueError(cat("Input size must be at least ", min_size, "x", min_size,
                             "; Received: input_shape=", input_shape->to_string()));
    }
    for (int64_t d : input_shape->dims())
      if (d != kNone && d <= 0)
        throw ValueError(
            cat("`input_shape` must hold positive sizes; Received: input_shape=", input_shape->to_string()));
    shape = *input_shape;
  } else if (require_flatten) {
    shape = default_shape;
  } else {
    shape = first ? Shape({3, kNone, kNone}) : Shape({kNone, kNone, 3});
  }
  if (require_flatten)
    for (int64_t d : shape.dims())
      if (d == kNone)
        throw ValueError(
            cat("If `include_top` is True, you should specify a static `input_shape`. Received: input_shape=",
                shape.to_string()));
  return shape;
}

layers::SidesN<2> correct_pad(const layers::KerasTensor& inputs, int64_t kernel_size) {
  const auto& dims = inputs.shape.dims();  // (batch, rows, cols, channels)
  std::array<int64_t, 2> adjust{1, 1};
  if (dims.at(1) != kNone) adjust = {1 - dims[1] % 2, 1 - dims.at(2) % 2};
  const int64_t correct = kernel_size / 2;
  layers::SidesN<2> pad;
  pad.values = {{{correct - adjust[0], correct}, {correct - adjust[1], correct}}};
  return pad;
}

void validate_activation(const std::string& classifier_activation, const std::string& weights) {
  if (weights.empty()) return;
  if (!classifier_activation.empty() && classifier_activation != "softmax" && classifier_activation != "linear")
    throw ValueError(cat(
        "Only `None` and `softmax` activations are allowed for the `classifier_activation` argument when ",
        "using pretrained weights, with `include_top=True`; Received: classifier_activation=", classifier_activation));
}

}  // namespace keras::applications::imagenet_utils
