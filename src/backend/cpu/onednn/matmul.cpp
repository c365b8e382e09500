// GEMM through oneDNN's sgemm (JIT, multi-threaded on the shared OpenMP pool).
#include <dnnl.h>

#include "backend/cpu/cpu_backend.h"

namespace keras::backend::cpu {

void CpuBackend::matmul(const Tensor& a, const Tensor& b, Tensor& out, int64_t batch, int64_t m, int64_t n, int64_t k,
                        bool trans_a, bool trans_b, int64_t a_batch_stride, int64_t b_batch_stride, float beta) {
  const float* pa = a.data<float>();
  const float* pb = b.data<float>();
  float* pc = out.data<float>();
  if (m == 0 || n == 0) return;  // an empty output (sgemm refuses a leading dimension of 0)
  const int64_t lda = trans_a ? m : k, ldb = trans_b ? k : n;
  for (int64_t i = 0; i < batch; ++i) {
    if (k == 0) {
      // An empty sum: out = beta * out, and with beta = 0 out = 0 whatever it held (as
      // BLAS reads no C then; ops pass uninitialised memory, where 0 * NaN would be NaN).
      for (int64_t j = 0; j < m * n; ++j) pc[i * m * n + j] = beta == 0.f ? 0.f : beta * pc[i * m * n + j];
      continue;
    }
    const dnnl_status_t st = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, 1.0f,
                                        pa + i * a_batch_stride, lda, pb + i * b_batch_stride, ldb, beta,
                                        pc + i * m * n, n);
    if (st != dnnl_success) throw RuntimeError(keras::detail::cat("oneDNN sgemm failed with status ", st));
  }
}

}  // namespace keras::backend::cpu
