// keras.ops.einsum: Einstein summation over one or more operands.
#pragma once

#include <string>

#include "keras/tensor/tensor.h"

namespace keras::ops {

/// Einstein summation (keras.ops.einsum, numpy.einsum rules): "ab,bc->ac" is a matrix
/// product, "...b,bc->...c" one over leading axes, "abc,cde->abde" a per-head projection.
/// Labels are letters; "..." stands for the axes no label names (broadcast between
/// operands, aligned on the right); without "->" the output is the ellipsis axes, then
/// the labels seen once, sorted. Written as transposes, reshapes, sums and batched
/// matmuls (operands contracted pairwise, left to right), so it is differentiable and
/// the gradient comes from those ops. A label repeated within one operand (a diagonal) is
/// not supported: ValueError.
Tensor einsum(const std::string& equation, const TensorList& operands);

template <class... T>
requires(std::is_same_v<std::decay_t<T>, Tensor>&&...) Tensor
    einsum(const std::string& equation, const T&... operands) {
  return einsum(equation, TensorList{operands...});
}

}  // namespace keras::ops
