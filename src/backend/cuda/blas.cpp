// matmul on cuBLAS: one strided-batched GEMM per call (plan_gemm maps the row-major call
// onto column-major cuBLAS). float32 computes in full float32 (CUBLAS_COMPUTE_32F, no
// TF32: Keras and PyTorch default to full precision for matmul); bfloat16 operands
// accumulate in float32, as the CPU's oneDNN kernels do.
#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/libraries.h"
#include "backend/cuda/plan/plans.h"
#include "keras/errors.h"

namespace keras::backend::cuda {

void CudaBackend::matmul(const Tensor& a, const Tensor& b, Tensor& out, int64_t batch, int64_t m, int64_t n, int64_t k,
                         bool trans_a, bool trans_b, int64_t a_batch_stride, int64_t b_batch_stride, float beta) {
  const DType dt = a.dtype();
  if (!supports(Op::matmul, dt) || b.dtype() != dt || out.dtype() != dt)
    throw TypeError(detail::cat("matmul on ", device().to_string(), ": operands of ", dtype_name(a.dtype()), ", ",
                                dtype_name(b.dtype()), " -> ", dtype_name(out.dtype()),
                                " (float32 or bfloat16, all the same)"));
  for (const Tensor* t : {&a, &b, static_cast<const Tensor*>(&out)})
    if (t->device() != device())
      throw ValueError(detail::cat("matmul on ", device().to_string(), ": an operand is on ", t->device().to_string()));
  if (m == 0 || n == 0 || batch == 0) return;
  Context& ctx = context();
  const cudaDataType_t type = dt == DType::float32 ? CUDA_R_32F : CUDA_R_16BF;
  if (k == 0) {
    // An empty sum: out = beta * out, and 0 whatever out held when beta is 0 (ops pass
    // uninitialised memory there, as to the CPU's sgemm).
    if (beta == 0.f) {
      check(cudaMemsetAsync(out.raw_data(), 0, out.nbytes(), ctx.stream), "cudaMemsetAsync");
    } else {
      check(cublas_api().cublasScalEx(ctx.cublas, static_cast<int>(out.size()), &beta, CUDA_R_32F, out.raw_data(), type,
                                      1, CUDA_R_32F),
            "cublasScalEx");
    }
    return;
  }
  const GemmPlan p = plan_gemm(m, n, k, trans_a, trans_b, a_batch_stride, b_batch_stride);
  const float alpha = 1.f;
  check(cublas_api().cublasGemmStridedBatchedEx(ctx.cublas, p.trans_first ? CUBLAS_OP_T : CUBLAS_OP_N,
                                                p.trans_second ? CUBLAS_OP_T : CUBLAS_OP_N, p.m, p.n, p.k, &alpha,
                                                b.raw_data(), type, p.ld_first, p.stride_first, a.raw_data(), type,
                                                p.ld_second, p.stride_second, &beta, out.raw_data(), type, p.ld_out,
                                                p.stride_out, batch, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
        "cublasGemmStridedBatchedEx");
}

}  // namespace keras::backend::cuda
