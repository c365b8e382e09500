// Keras's numerical_utils.encode_categorical_inputs (keras/src/utils/numerical_utils.py)
// for the "one_hot", "multi_hot" and "count" output modes, shared by CategoryEncoding and
// Discretization.
//
// A scalar input is one sample of one value. "one_hot" encodes every value along a new
// last axis, replacing a last axis of size 1 when the input has rank > 1. "multi_hot" and
// "count" reduce the sample axis: axis 0 of a rank-1 input, axis 1 otherwise (as Keras's
// backends do; for rank 2 that is the last axis).
#pragma once

#include <string>

#include "keras/tensor/tensor.h"

namespace keras::layers::detail {

/// The output shape encode_categorical gives for an input of shape `in` (kNone allowed).
Shape encoded_shape(const Shape& in, const std::string& mode, int64_t depth);

/// Encodes `indices` (int32 or int64, every value in [0, depth), checked by the caller)
/// in `mode`, as `dtype`. `count_weights` (same shape as indices; "count" only) weighs each
/// value in the sum.
Tensor encode_categorical(const Tensor& indices, const std::string& mode, int64_t depth, DType dtype,
                          const Tensor& count_weights = {});

}  // namespace keras::layers::detail
