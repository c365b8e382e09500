// oneDNN kernels with a reference twin in ref/. Each returns false when oneDNN has no
// algorithm for the request, so the caller falls back to the reference loop.
#pragma once

#include <cstdint>

#include "backend/backend.h"

namespace keras::backend::cpu::onednn {

bool eltwise_forward(UnaryOp op, const UnaryParams& p, const Tensor& x, Tensor& y);
bool eltwise_backward(UnaryOp op, const UnaryParams& p, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx);
bool softmax_forward(const Tensor& x, int64_t outer, int64_t axis, int64_t inner, bool log, Tensor& y);
bool softmax_backward(const Tensor& y, const Tensor& dy, int64_t outer, int64_t axis, int64_t inner, bool log,
                      Tensor& dx);

/// How many times a convolution kernel has been reordered into oneDNN's layout so far
/// (for tests: a Variable's kernel is reordered once per change, not once per call).
uint64_t kernel_reorder_count();
/// How many forward convolution primitives have been created so far (for tests: a
/// graph's first call creates them up front, the convolutions then find them made).
uint64_t conv_forward_primitive_count();

}  // namespace keras::backend::cpu::onednn
