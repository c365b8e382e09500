// GEMM through oneDNN's sgemm (JIT, multi-threaded on the shared OpenMP pool); bfloat16
// (mixed precision) through oneDNN's matmul primitive, which accumulates in float32.
#include <dnnl.h>

#include <string>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/onednn/common.h"

namespace keras::backend::cpu {

using namespace onednn;

namespace {

/// A bfloat16 (m x k) @ (k x n) primitive, operands transposed through their strides,
/// with beta * out added by a sum post-op.
struct MatmulEntry {
  dnnl::memory::desc a_md, b_md, c_md;
  dnnl::matmul::primitive_desc pd;
  dnnl::matmul prim;

  MatmulEntry(int64_t m, int64_t n, int64_t k, bool trans_a, bool trans_b, float beta) {
    a_md = dnnl::memory::desc({m, k}, dt::bf16, trans_a ? dims{1, m} : dims{k, 1});
    b_md = dnnl::memory::desc({k, n}, dt::bf16, trans_b ? dims{1, k} : dims{n, 1});
    c_md = dnnl::memory::desc({m, n}, dt::bf16, dims{n, 1});
    dnnl::primitive_attr a;
    if (beta != 0.f) {
      dnnl::post_ops ops;
      ops.append_sum(beta);
      a.set_post_ops(ops);
    }
    pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(a_md, b_md, c_md), attr(a), engine());
    prim = dnnl::matmul(pd);
  }
};

void matmul_bf16(const Tensor& a, const Tensor& b, Tensor& out, int64_t batch, int64_t m, int64_t n, int64_t k,
                 bool trans_a, bool trans_b, int64_t a_batch_stride, int64_t b_batch_stride, float beta) {
  static PrimitiveCache<MatmulEntry> cache;
  const std::string key = std::to_string(m) + "," + std::to_string(n) + "," + std::to_string(k) +
                          (trans_a ? "T" : "N") + (trans_b ? "T" : "N") + "|" + std::to_string(beta);
  const auto e = cache.get(key, [&] { return std::make_shared<MatmulEntry>(m, n, k, trans_a, trans_b, beta); });
  auto* pa = static_cast<const uint16_t*>(a.raw_data());
  auto* pb = static_cast<const uint16_t*>(b.raw_data());
  auto* pc = static_cast<uint16_t*>(out.raw_data());
  for (int64_t i = 0; i < batch; ++i)
    execute(e->prim, e->pd,
            {{DNNL_ARG_SRC, dnnl::memory(e->a_md, engine(), const_cast<uint16_t*>(pa + i * a_batch_stride))},
             {DNNL_ARG_WEIGHTS, dnnl::memory(e->b_md, engine(), const_cast<uint16_t*>(pb + i * b_batch_stride))},
             {DNNL_ARG_DST, dnnl::memory(e->c_md, engine(), pc + i * m * n)}});
}

}  // namespace

void CpuBackend::matmul(const Tensor& a, const Tensor& b, Tensor& out, int64_t batch, int64_t m, int64_t n, int64_t k,
                        bool trans_a, bool trans_b, int64_t a_batch_stride, int64_t b_batch_stride, float beta) {
  if (a.dtype() == DType::bfloat16) {
    if (m == 0 || n == 0) return;
    if (k > 0) return matmul_bf16(a, b, out, batch, m, n, k, trans_a, trans_b, a_batch_stride, b_batch_stride, beta);
    // An empty sum: out = beta * out (0 whatever it held when beta is 0, as below).
    Tensor wide = out.astype(DType::float32);
    float* pw = wide.data<float>();
    for (int64_t j = 0; j < wide.size(); ++j) pw[j] = beta == 0.f ? 0.f : beta * pw[j];
    cast(wide, out);
    return;
  }
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
