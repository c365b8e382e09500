// Helpers the colour layers share (src only).
#pragma once

#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers::detail {

inline Tensor scalar_like(double v, const Tensor& like) { return Tensor::scalar(v, like.dtype(), like.device()); }

/// where(mask, a, b) for finite a and b (mask broadcast).
inline Tensor where(const Tensor& mask, const Tensor& a, const Tensor& b) {
  return ops::add(b, ops::multiply(ops::cast(mask, a.dtype()), ops::subtract(a, b)));
}

}  // namespace keras::layers::detail
