// What a layer accepts (keras.layers.InputSpec). Layer::operator() checks inputs against
// it and raises Keras's messages, which name the layer and the shapes.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "keras/tensor/shape.h"

namespace keras::layers {

struct InputSpec {
  std::optional<int64_t> ndim{};
  std::optional<int64_t> min_ndim{};
  std::optional<int64_t> max_ndim{};
  /// Required sizes of particular axes (negative axes count from the end).
  std::map<int64_t, int64_t> axes{};
  /// A full required shape (kNone entries match anything).
  std::optional<Shape> shape{};
};

/// Throws ValueError when `shape` does not satisfy `spec`.
void assert_input_compatibility(const InputSpec& spec, const Shape& shape, const std::string& layer_name,
                                size_t input_index = 0);

}  // namespace keras::layers
