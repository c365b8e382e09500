#include "backend/backend.h"

#include "backend/cpu/cpu_backend.h"

namespace keras::backend {

bool unary_grad_uses_output(UnaryOp op) {
  switch (op) {
    case UnaryOp::sqrt:
    case UnaryOp::rsqrt:
    case UnaryOp::exp:
    case UnaryOp::reciprocal:
    case UnaryOp::sigmoid:
    case UnaryOp::tanh:
      return true;
    default:
      return false;
  }
}

int RecurrenceGeometry::gates() const {
  switch (kind) {
    case ops::RecurrenceKind::lstm: return 4;
    case ops::RecurrenceKind::gru: return 3;
    default: return 1;
  }
}

std::shared_ptr<Workspace> Backend::recurrence_forward(const RecurrenceGeometry&, const Tensor&, const Tensor&,
                                                       const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                                       Tensor&, Tensor&, Tensor&, bool) {
  throw RuntimeError(detail::cat("The ", device().to_string(), " backend has no fused recurrent kernels"));
}

void Backend::recurrence_backward(const RecurrenceGeometry&, const Workspace&, const Tensor&, const Tensor&,
                                  const Tensor&, Tensor&, Tensor&, Tensor&, Tensor&, Tensor&, Tensor&) {
  throw RuntimeError(detail::cat("The ", device().to_string(), " backend has no fused recurrent kernels"));
}

Backend& backend_for(Device device) {
  if (device.is_cpu()) return cpu::CpuBackend::instance();
  throw RuntimeError(detail::cat("No backend for device ", device.to_string(),
                                 ": this build of the library has no CUDA support"));
}

}  // namespace keras::backend
