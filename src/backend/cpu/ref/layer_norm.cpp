// Layer normalization over the last axis in one pass over memory per direction (the
// composition of ops it replaces makes about ten full-size temporaries forward and
// more backward): rows split across the pool, each row's statistics in registers.
#include <cmath>
#include <mutex>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"

namespace keras::backend::cpu {

namespace {

KERAS_SIMD_CLONES void normalize_rows(const float* x, const float* gamma, const float* beta, int64_t begin, int64_t end,
                                      int64_t cols, float epsilon, float* y, float* mean, float* rstd) {
  for (int64_t r = begin; r < end; ++r) {
    const float* row = x + r * cols;
    float sum = 0.f;
#pragma omp simd reduction(+ : sum)
    for (int64_t c = 0; c < cols; ++c) sum += row[c];
    const float mu = sum / static_cast<float>(cols);
    float sq = 0.f;
#pragma omp simd reduction(+ : sq)
    for (int64_t c = 0; c < cols; ++c) sq += (row[c] - mu) * (row[c] - mu);
    const float inv = 1.f / std::sqrt(sq / static_cast<float>(cols) + epsilon);
    float* out = y + r * cols;
    if (gamma && beta) {
#pragma omp simd
      for (int64_t c = 0; c < cols; ++c) out[c] = (row[c] - mu) * inv * gamma[c] + beta[c];
    } else {
#pragma omp simd
      for (int64_t c = 0; c < cols; ++c)
        out[c] = (row[c] - mu) * inv * (gamma ? gamma[c] : 1.f) + (beta ? beta[c] : 0.f);
    }
    mean[r] = mu;
    rstd[r] = inv;
  }
}

/// dx of rows [begin, end), and their dy * xhat and dy summed per column into dg, db.
KERAS_SIMD_CLONES void backward_rows(const float* x, const float* gamma, const float* mean, const float* rstd,
                                     const float* dy, int64_t begin, int64_t end, int64_t cols, float* dx, float* dg,
                                     float* db) {
  for (int64_t r = begin; r < end; ++r) {
    const float *xr = x + r * cols, *gr = dy + r * cols;
    const float mu = mean[r], inv = rstd[r];
    // dx = inv * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = dy * gamma.
    float m1 = 0.f, m2 = 0.f;
#pragma omp simd reduction(+ : m1, m2)
    for (int64_t c = 0; c < cols; ++c) {
      const float xhat = (xr[c] - mu) * inv, dxhat = gr[c] * (gamma ? gamma[c] : 1.f);
      m1 += dxhat;
      m2 += dxhat * xhat;
      dg[c] += gr[c] * xhat;
      db[c] += gr[c];
    }
    m1 /= static_cast<float>(cols);
    m2 /= static_cast<float>(cols);
    float* out = dx + r * cols;
#pragma omp simd
    for (int64_t c = 0; c < cols; ++c) {
      const float xhat = (xr[c] - mu) * inv;
      out[c] = inv * (gr[c] * (gamma ? gamma[c] : 1.f) - m1 - xhat * m2);
    }
  }
}

}  // namespace

void CpuBackend::layer_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, int64_t rows,
                                    int64_t cols, float epsilon, Tensor& y, Tensor& mean, Tensor& rstd) {
  const float* g = gamma.defined() ? gamma.data<float>() : nullptr;
  const float* b = beta.defined() ? beta.data<float>() : nullptr;
  parallel_for(rows, std::max<int64_t>(1, kParallelThreshold / std::max<int64_t>(cols, 1)),
               [&](int64_t begin, int64_t end) {
                 normalize_rows(x.data<float>(), g, b, begin, end, cols, epsilon, y.data<float>(), mean.data<float>(),
                                rstd.data<float>());
               });
}

void CpuBackend::layer_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean, const Tensor& rstd,
                                     const Tensor& dy, int64_t rows, int64_t cols, Tensor& dx, Tensor& dgamma,
                                     Tensor& dbeta) {
  std::vector<float> dg(static_cast<size_t>(cols)), db(static_cast<size_t>(cols));
  std::mutex merge;
  parallel_for(rows, std::max<int64_t>(1, kParallelThreshold / std::max<int64_t>(cols, 1)),
               [&](int64_t begin, int64_t end) {
                 std::vector<float> part_g(static_cast<size_t>(cols)), part_b(static_cast<size_t>(cols));
                 backward_rows(x.data<float>(), gamma.defined() ? gamma.data<float>() : nullptr, mean.data<float>(),
                               rstd.data<float>(), dy.data<float>(), begin, end, cols, dx.data<float>(), part_g.data(),
                               part_b.data());
                 std::lock_guard<std::mutex> lock(merge);
                 for (size_t c = 0; c < dg.size(); ++c) dg[c] += part_g[c], db[c] += part_b[c];
               });
  if (dgamma.defined()) std::copy(dg.begin(), dg.end(), dgamma.data<float>());
  if (dbeta.defined()) std::copy(db.begin(), db.end(), dbeta.data<float>());
}

}  // namespace keras::backend::cpu
