// What the normalization layers share: turning an `axis` argument into the sorted,
// non-negative axes of an input, with errors naming the layer, the argument and the shape.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "keras/errors.h"
#include "keras/layers/options.h"
#include "keras/tensor/shape.h"

namespace keras::layers::detail {

/// The axes of `axis` for an input of `shape`, non-negative and sorted (Keras's
/// canonicalize_axes). ValueError when one is out of range or repeated, or, with
/// `need_known`, when a size on them is unknown. `layer` names the layer in errors:
/// `layer "layer_normalization" (LayerNormalization)`.
inline std::vector<int64_t> canonical_axes(const Axes& axis, const Shape& shape, const std::string& layer,
                                           bool need_known = true) {
  using keras::detail::cat;
  const int64_t rank = shape.rank();
  auto received = [&] {
    std::string s;
    for (int64_t a : axis.values) s += cat(s.empty() ? "" : ", ", a);
    return axis.is_list ? "[" + s + "]" : s;
  };
  std::vector<int64_t> out;
  for (int64_t a : axis.values) {
    if (a < -rank || a >= rank)
      throw ValueError(cat("Axis ", a, " is out of bounds for input shape ", shape.to_string(), " (rank ", rank,
                           ") of ", layer, ". Received: axis=", received()));
    out.push_back(a < 0 ? a + rank : a);
  }
  std::sort(out.begin(), out.end());
  if (std::adjacent_find(out.begin(), out.end()) != out.end())
    throw ValueError(cat("Duplicate axes are not allowed in ", layer, ". Received: axis=", received()));
  if (need_known)
    for (int64_t a : out)
      if (shape[static_cast<size_t>(a)] == kNone)
        throw ValueError(
            cat("Axis ", a, " of the input of ", layer, " must have a known size; received shape ", shape.to_string()));
  return out;
}

/// How errors name a layer: `layer "name" (ClassName)`.
inline std::string layer_label(const std::string& name, const std::string& class_name) {
  return "layer \"" + name + "\" (" + class_name + ")";
}

}  // namespace keras::layers::detail
