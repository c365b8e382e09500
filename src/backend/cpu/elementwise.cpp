// Which implementation runs an activation or softmax: oneDNN's primitives for tensors
// big enough to repay a primitive call (a few microseconds), the reference loops for
// small ones and for the ops oneDNN lacks. Both give the same numbers (consistency test).
#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/onednn/onednn.h"
#include "backend/cpu/ref/ref.h"

namespace keras::backend::cpu {

namespace {
constexpr int64_t kOneDnnEltwiseMin = 4096;
constexpr int64_t kOneDnnSoftmaxMin = 4096;
}  // namespace

void CpuBackend::unary(UnaryOp op, const UnaryParams& p, const Tensor& x, Tensor& y) {
  if (x.size() >= kOneDnnEltwiseMin && onednn::eltwise_forward(op, p, x, y)) return;
  ref::unary_forward(op, p, x, y);
}

void CpuBackend::unary_backward(UnaryOp op, const UnaryParams& p, const Tensor& x, const Tensor& y, const Tensor& dy,
                                Tensor& dx) {
  if (dy.size() >= kOneDnnEltwiseMin && onednn::eltwise_backward(op, p, x, y, dy, dx)) return;
  ref::unary_backward(op, p, x, y, dy, dx);
}

void CpuBackend::softmax(const Tensor& x, int64_t outer, int64_t axis, int64_t inner, bool log, Tensor& y) {
  if (x.size() >= kOneDnnSoftmaxMin && onednn::softmax_forward(x, outer, axis, inner, log, y)) return;
  ref::softmax_forward(x, outer, axis, inner, log, y);
}

void CpuBackend::softmax_backward(const Tensor& y, const Tensor& dy, int64_t outer, int64_t axis, int64_t inner,
                                  bool log, Tensor& dx) {
  if (dy.size() >= kOneDnnSoftmaxMin && onednn::softmax_backward(y, dy, outer, axis, inner, log, dx)) return;
  ref::softmax_backward(y, dy, outer, axis, inner, log, dx);
}

}  // namespace keras::backend::cpu
