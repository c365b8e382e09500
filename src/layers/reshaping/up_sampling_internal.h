// What UpSampling1D/2D/3D share: checking the factors and the output shape.
#pragma once

#include <string>
#include <vector>

#include "keras/errors.h"
#include "keras/tensor/shape.h"

namespace keras::layers::detail {

/// Keras's standardize_tuple message for factors that are not all positive, or "" when
/// they are: "The `size` argument must be a tuple of 2 integers. Received size=(0, 2),
/// including values {0} that do not satisfy `value > 0`".
inline std::string bad_factors_message(const std::vector<int64_t>& size) {
  std::string bad, all;
  for (int64_t v : size) {
    all += keras::detail::cat(all.empty() ? "" : ", ", v);
    if (v <= 0) bad += keras::detail::cat(bad.empty() ? "" : ", ", v);
  }
  if (bad.empty()) return {};
  return keras::detail::cat("The `size` argument must be a tuple of ", size.size(), " integers. Received size=(", all,
                            "), including values {", bad, "} that do not satisfy `value > 0`");
}

/// (batch, d1 * size[0], ..., channels); unknown dims stay unknown.
inline Shape upsampled_shape(const Shape& s, const std::vector<int64_t>& size) {
  Shape out = s;
  for (size_t i = 0; i < size.size() && i + 1 < s.size(); ++i)
    if (s[i + 1] != kNone) out[i + 1] = s[i + 1] * size[i];
  return out;
}

}  // namespace keras::layers::detail
