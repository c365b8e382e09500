// Fused ops: one pass where Keras would run two ops, with the same numbers. Layers use
// them as fast paths (BaseConv with activation="relu"); they are not public API.
#pragma once

#include <string>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::ops::detail {

/// relu(conv(x, kernel) + bias), the relu applied by oneDNN as a post-op.
Tensor conv_relu(const Tensor& x, const Tensor& kernel, const Tensor& bias, const std::vector<int64_t>& strides,
                 const std::string& padding, const std::vector<int64_t>& dilation_rate);

}  // namespace keras::ops::detail
