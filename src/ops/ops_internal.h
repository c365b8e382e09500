// Helpers shared by the op implementations (not part of the public API).
#pragma once

#include <initializer_list>

#include "backend/backend.h"
#include "keras/autograd/gradient_tape.h"
#include "keras/autograd/node.h"
#include "keras/tensor/tensor.h"

namespace keras::ops::detail {

/// A new, uninitialised tensor on x's device.
inline Tensor empty_like(const Tensor& x, const Shape& shape, DType dtype) {
  return Tensor::empty(shape, dtype, x.device());
}
inline Tensor empty_like(const Tensor& x) { return Tensor::empty(x.shape(), x.dtype(), x.device()); }

/// Throws ValueError unless every defined tensor of `xs` is on one device, naming the op
/// and both devices: an op never moves data on its own (Keras ops on two devices would
/// either copy silently or fail deep in a kernel).
void check_same_device(const char* op, std::initializer_list<const Tensor*> xs);
void check_same_device(const char* op, const TensorList& xs);

/// Sums `grad` down to `shape` (undoing NumPy broadcasting).
Tensor sum_to_shape(const Tensor& grad, const Shape& shape);

/// Throws TypeError unless x is float32, bfloat16 or float16 (the float kernels; the
/// backend widens 16-bit floats where it has no 16-bit kernel, backend/half_precision.h).
void require_float(const Tensor& x, const char* op);
/// Throws TypeError naming both when two operands of a kernel differ in dtype.
void require_same_dtype(const Tensor& a, const Tensor& b, const char* op);

/// Sorted, de-duplicated, non-negative axes (empty input = all axes).
std::vector<int64_t> normalize_axes(std::vector<int64_t> axes, int64_t rank, const char* op);

}  // namespace keras::ops::detail
