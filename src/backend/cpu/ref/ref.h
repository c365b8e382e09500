// The reference (plain-loop) kernels that have a oneDNN twin. CpuBackend picks one per
// call; tests/backend/consistency_test.cpp checks the twins agree.
#pragma once

#include "backend/backend.h"

namespace keras::backend::cpu::ref {

void unary_forward(UnaryOp op, const UnaryParams& p, const Tensor& x, Tensor& y);
void unary_backward(UnaryOp op, const UnaryParams& p, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx);
void softmax_forward(const Tensor& x, int64_t outer, int64_t axis, int64_t inner, bool log, Tensor& y);
void softmax_backward(const Tensor& y, const Tensor& dy, int64_t outer, int64_t axis, int64_t inner, bool log,
                      Tensor& dx);

}  // namespace keras::backend::cpu::ref
