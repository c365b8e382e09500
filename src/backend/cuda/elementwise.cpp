// CudaBackend's fill, cast, elementwise, random and optimizer kernels: each checks that
// its tensors are CUDA tensors of the dtypes and sizes it runs, then queues the launcher
// of kernels.h (elementwise.cu) on the backend's stream. The checks throw what the CPU
// backend throws for the same mistake (TypeError for a dtype, ValueError otherwise),
// naming the kernel; on a GPU a wrong size would not fail, it would corrupt memory.
#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/kernels.h"
#include "backend/cuda/plan/plans.h"
#include "backend/cuda/tensor_checks.h"
#include "keras/errors.h"

namespace keras::backend::cuda {

namespace {

using keras::detail::cat;

/// The operand dtypes of binary: those of the CPU backend's.
bool binary_runs(DType dtype) {
  return dtype == DType::float32 || dtype == DType::float64 || dtype == DType::int32 || dtype == DType::int64 ||
         dtype == DType::uint8 || dtype == DType::bool_;
}

}  // namespace

void CudaBackend::fill(Tensor& dst, double value) {
  require_on_device(dst, "fill", "dst");
  if (dst.dtype() == DType::string) throw TypeError("Cannot fill a string tensor with a number");
  kernels::fill(dst.raw_data(), dst.dtype(), dst.size(), value, context().stream);
}

void CudaBackend::cast(const Tensor& src, Tensor& dst) {
  require_on_device(src, "cast", "src");
  require_on_device(dst, "cast", "dst");
  if (src.dtype() == DType::string || dst.dtype() == DType::string)
    throw TypeError(cat("Cannot cast a ", dtype_name(src.dtype()), " tensor to ", dtype_name(dst.dtype()),
                        " on the CUDA backend (it holds no strings)"));
  require_size(dst, src.size(), "cast", "dst");
  kernels::cast(src.raw_data(), src.dtype(), dst.raw_data(), dst.dtype(), src.size(), context().stream);
}

void CudaBackend::unary(UnaryOp op, const UnaryParams& p, const Tensor& x, Tensor& y) {
  const int64_t n = x.size();
  const float* xs = float32_data(x, n, "unary", "x");
  kernels::unary(op, p, xs, float32_data(y, n, "unary", "y"), n, context().stream);
}

void CudaBackend::unary_backward(UnaryOp op, const UnaryParams& p, const Tensor& x, const Tensor& y, const Tensor& dy,
                                 Tensor& dx) {
  const int64_t n = dy.size();
  // The derivative reads y for the ops unary_grad_uses_output names, x for the others.
  const bool from_output = unary_grad_uses_output(op);
  if (!(from_output ? y : x).defined())
    throw ValueError(cat("unary_backward: this op's derivative needs ", from_output ? "y" : "x", ", undefined here"));
  const float* xs = optional_float32_data(x, n, "unary_backward", "x");
  const float* ys = optional_float32_data(y, n, "unary_backward", "y");
  const float* g = float32_data(dy, n, "unary_backward", "dy");
  kernels::unary_backward(op, p, xs, ys, g, float32_data(dx, n, "unary_backward", "dx"), n, context().stream);
}

void CudaBackend::binary(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) {
  require_on_device(a, "binary", "a");
  require_on_device(b, "binary", "b");
  require_on_device(out, "binary", "out");
  if (!binary_runs(a.dtype()))
    throw TypeError(cat("Binary ops do not support dtype ", dtype_name(a.dtype()), " on the CUDA backend yet"));
  if (b.dtype() != a.dtype())
    throw TypeError(
        cat("binary: operands have different dtypes (", dtype_name(a.dtype()), " and ", dtype_name(b.dtype()), ")"));
  // The output's dtype as the ops make it and the CPU writes it: bool for comparisons,
  // the operands' otherwise.
  const DType out_dtype = op >= BinaryOp::eq ? DType::bool_ : a.dtype();
  if (out.dtype() != out_dtype)
    throw TypeError(
        cat("binary: the output has dtype ", dtype_name(out.dtype()), ", expected ", dtype_name(out_dtype)));
  const BroadcastPlan plan = plan_broadcast(a.shape(), b.shape(), out.shape());
  kernels::binary(op, a.dtype(), a.raw_data(), b.raw_data(), out.raw_data(), out_dtype, plan, context().stream);
}

void CudaBackend::random_uniform(Tensor& out, double low, double high, uint64_t seed) {
  float* p = float32_data(out, out.size(), "random_uniform", "out");
  kernels::random_uniform(p, out.size(), low, high, seed, context().stream);
}

void CudaBackend::random_normal(Tensor& out, double mean, double stddev, uint64_t seed) {
  float* p = float32_data(out, out.size(), "random_normal", "out");
  kernels::random_normal(p, out.size(), static_cast<float>(mean), static_cast<float>(stddev), seed, context().stream);
}

void CudaBackend::random_truncated_normal(Tensor& out, double mean, double stddev, uint64_t seed) {
  float* p = float32_data(out, out.size(), "random_truncated_normal", "out");
  kernels::random_truncated_normal(p, out.size(), static_cast<float>(mean), static_cast<float>(stddev), seed,
                                   context().stream);
}

void CudaBackend::dropout_mask(Tensor& out, double rate, uint64_t seed) {
  float* p = float32_data(out, out.size(), "dropout_mask", "out");
  kernels::dropout_mask(p, out.size(), rate, seed, context().stream);
}

void CudaBackend::sgd_update(Tensor& var, const Tensor& grad, Tensor& momentum, float lr, float momentum_coef,
                             bool nesterov) {
  const int64_t n = var.size();
  float* w = float32_data(var, n, "sgd_update", "var");
  const float* g = float32_data(grad, n, "sgd_update", "grad");
  float* m = optional_float32_data(momentum, n, "sgd_update", "momentum");
  kernels::sgd_update(w, g, m, n, lr, momentum_coef, nesterov, context().stream);
}

void CudaBackend::adam_update(Tensor& var, const Tensor& grad, Tensor& m, Tensor& v, Tensor& v_hat, float alpha,
                              float beta_1, float beta_2, float epsilon, bool amsgrad) {
  const int64_t n = var.size();
  float* w = float32_data(var, n, "adam_update", "var");
  const float* g = float32_data(grad, n, "adam_update", "grad");
  float* ms = float32_data(m, n, "adam_update", "m");
  float* vs = float32_data(v, n, "adam_update", "v");
  float* vh = amsgrad ? float32_data(v_hat, n, "adam_update", "v_hat") : nullptr;
  kernels::adam_update(w, g, ms, vs, vh, n, alpha, beta_1, beta_2, epsilon, amsgrad, context().stream);
}

void CudaBackend::rmsprop_update(Tensor& var, const Tensor& grad, Tensor& velocity, Tensor& momentum,
                                 Tensor& average_grad, float lr, float rho, float momentum_coef, float epsilon,
                                 bool centered) {
  const int64_t n = var.size();
  float* w = float32_data(var, n, "rmsprop_update", "var");
  const float* g = float32_data(grad, n, "rmsprop_update", "grad");
  float* vel = float32_data(velocity, n, "rmsprop_update", "velocity");
  float* mo = optional_float32_data(momentum, n, "rmsprop_update", "momentum");
  float* ag = centered ? float32_data(average_grad, n, "rmsprop_update", "average_grad") : nullptr;
  kernels::rmsprop_update(w, g, vel, mo, ag, n, lr, rho, momentum_coef, epsilon, centered, context().stream);
}

}  // namespace keras::backend::cuda
