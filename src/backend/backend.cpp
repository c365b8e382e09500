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

Backend& backend_for(Device device) {
  if (device.is_cpu()) return cpu::CpuBackend::instance();
  throw RuntimeError(detail::cat("No backend for device ", device.to_string(),
                                 ": this build of the library has no CUDA support"));
}

}  // namespace keras::backend
