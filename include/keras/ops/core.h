// Shape and layout ops (keras.ops: reshape, transpose, expand_dims, concatenate, cast, ...).
// Every op here is differentiable and recorded on an active GradientTape.
#pragma once

#include <array>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::ops {

/// Same data, new shape; one dimension may be -1. A view: no copy.
Tensor reshape(const Tensor& x, const Shape& shape);
/// Permutes the axes (default: reversed), copying the data.
Tensor transpose(const Tensor& x, std::vector<int64_t> axes = {});
Tensor expand_dims(const Tensor& x, int64_t axis);
/// Removes `axis` (which must have size 1).
Tensor squeeze(const Tensor& x, int64_t axis);
/// Rows [begin, end) of axis 0 as a view.
Tensor slice_rows(const Tensor& x, int64_t begin, int64_t end);
/// The part of x from `start` (one index per axis) with `size` (one per axis).
Tensor slice(const Tensor& x, const std::vector<int64_t>& start, const std::vector<int64_t>& size);
/// Rows of axis 0 picked by an int32/int64 index tensor: out[i] = x[index[i]].
Tensor take_rows(const Tensor& x, const Tensor& index);
Tensor concatenate(const TensorList& xs, int64_t axis = 0);
/// Cuts x along `axis` into consecutive parts of the given sizes (which must add up to
/// the axis's length). One recorded op, so the backward pass writes one gradient tensor.
TensorList split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t axis);
/// The slices x[..., i, ...] along `axis`, each without that axis (keras.ops.unstack).
TensorList unstack(const Tensor& x, int64_t axis = 0);
/// x with the order of `axis` reversed (keras.ops.flip).
Tensor flip(const Tensor& x, int64_t axis);
/// x with `pad_width[i]` = {before, after} constant cells added around axis i
/// (keras.ops.pad, mode "constant"): one (before, after) pair per axis, each >= 0.
Tensor pad(const Tensor& x, const std::vector<std::array<int64_t, 2>>& pad_width, double constant_value = 0.0);
/// Joins same-shaped tensors along a new axis (keras.ops.stack).
Tensor stack(const TensorList& xs, int64_t axis = 0);
Tensor broadcast_to(const Tensor& x, const Shape& shape);
/// Each element of x `repeats` times along `axis`, one after the other (keras.ops.repeat
/// with an integer `repeats` and an axis): repeat([a, b], 2, 0) = [a, a, b, b]. An
/// expand_dims, broadcast_to and reshape, so the gradient sums the copies back. repeats
/// must be >= 0 (0 gives an empty axis).
Tensor repeat(const Tensor& x, int64_t repeats, int64_t axis);
Tensor cast(const Tensor& x, DType dtype);
/// Identity whose gradient is zero.
Tensor stop_gradient(const Tensor& x);
Tensor zeros_like(const Tensor& x);
Tensor ones_like(const Tensor& x);
/// One-hot encoding of integer indices along a new last axis (float32).
Tensor one_hot(const Tensor& indices, int64_t num_classes);

/// Shape that NumPy broadcasting gives two shapes; throws ValueError naming both.
Shape broadcast_shapes(const Shape& a, const Shape& b);

}  // namespace keras::ops
