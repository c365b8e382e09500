// Batch normalization of channels-last data, x viewed as [rows, channels], in the fewest
// passes over memory: training forward reads x three times (mean, variance, output) and
// writes once, backward reads twice and writes once. The composition of ops it replaces
// made about seven full-size temporaries forward and more backward, and BatchNormalization
// follows nearly every convolution of keras.applications' networks.
//
// Sums run over blocks of rows in float (vectorised across channels) and join per-channel
// totals in double, so a batch of 16 x 112 x 112 rows keeps float32's precision.
#include <cmath>
#include <mutex>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"

namespace keras::backend::cpu {

namespace {

constexpr int64_t kBlockRows = 64;

/// total[c] += sum over rows [begin, end) of (x - center[c]) (or its square).
KERAS_SIMD_CLONES void channel_sums(const float* x, const float* center, bool square, int64_t begin, int64_t end,
                                    int64_t channels, float* block, double* total) {
  for (int64_t b = begin; b < end; b += kBlockRows) {
    const int64_t stop = std::min(end, b + kBlockRows);
    std::fill(block, block + channels, 0.f);
    for (int64_t r = b; r < stop; ++r) {
      const float* row = x + r * channels;
      if (square) {
#pragma omp simd
        for (int64_t c = 0; c < channels; ++c) block[c] += (row[c] - center[c]) * (row[c] - center[c]);
      } else {
#pragma omp simd
        for (int64_t c = 0; c < channels; ++c) block[c] += row[c];
      }
    }
    for (int64_t c = 0; c < channels; ++c) total[c] += block[c];
  }
}

/// dy_total[c] += sum dy, dyx_total[c] += sum dy * (x - mean[c]) over rows [begin, end).
KERAS_SIMD_CLONES void gradient_sums(const float* dy, const float* x, const float* mean, int64_t begin, int64_t end,
                                     int64_t channels, float* block_dy, float* block_dyx, double* dy_total,
                                     double* dyx_total) {
  for (int64_t b = begin; b < end; b += kBlockRows) {
    const int64_t stop = std::min(end, b + kBlockRows);
    std::fill(block_dy, block_dy + channels, 0.f);
    std::fill(block_dyx, block_dyx + channels, 0.f);
    for (int64_t r = b; r < stop; ++r) {
      const float *g = dy + r * channels, *row = x + r * channels;
#pragma omp simd
      for (int64_t c = 0; c < channels; ++c) {
        block_dy[c] += g[c];
        block_dyx[c] += g[c] * (row[c] - mean[c]);
      }
    }
    for (int64_t c = 0; c < channels; ++c) {
      dy_total[c] += block_dy[c];
      dyx_total[c] += block_dyx[c];
    }
  }
}

/// out = a * p + (b - m) * q + r per channel over rows [begin, end) (b may be null: q = 0).
KERAS_SIMD_CLONES void per_channel_affine(const float* a, const float* b, const float* p, const float* m,
                                          const float* q, const float* r, int64_t begin, int64_t end, int64_t channels,
                                          float* out) {
  for (int64_t row = begin; row < end; ++row) {
    const float* ar = a + row * channels;
    float* o = out + row * channels;
    if (b) {
      const float* br = b + row * channels;
#pragma omp simd
      for (int64_t c = 0; c < channels; ++c) o[c] = ar[c] * p[c] + (br[c] - m[c]) * q[c] + r[c];
    } else {
#pragma omp simd
      for (int64_t c = 0; c < channels; ++c) o[c] = ar[c] * p[c] + r[c];
    }
  }
}

int64_t grain_rows(int64_t channels) {
  return std::max<int64_t>(1, kParallelThreshold / std::max<int64_t>(channels, 1));
}

/// Per-channel sums over all rows, the rows split across the pool.
template <class Sum>
void reduce_rows(int64_t rows, int64_t channels, int outputs, std::vector<double>& totals, Sum&& sum) {
  totals.assign(static_cast<size_t>(channels * outputs), 0.0);
  std::mutex merge;
  parallel_for(rows, grain_rows(channels), [&](int64_t begin, int64_t end) {
    std::vector<double> part(totals.size(), 0.0);
    std::vector<float> scratch(static_cast<size_t>(channels * outputs));
    sum(begin, end, scratch.data(), part.data());
    std::lock_guard<std::mutex> lock(merge);
    for (size_t i = 0; i < part.size(); ++i) totals[i] += part[i];
  });
}

}  // namespace

void CpuBackend::batch_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, int64_t rows,
                                    int64_t channels, float epsilon, bool training, Tensor& mean, Tensor& variance,
                                    Tensor& y) {
  const size_t n = static_cast<size_t>(channels);
  const float* px = x.data<float>();
  float* pm = mean.data<float>();
  float* pv = variance.data<float>();
  if (training) {
    std::vector<double> totals;
    reduce_rows(rows, channels, 1, totals, [&](int64_t b, int64_t e, float* block, double* part) {
      channel_sums(px, nullptr, false, b, e, channels, block, part);
    });
    for (size_t c = 0; c < n; ++c) pm[c] = rows ? static_cast<float>(totals[c] / static_cast<double>(rows)) : 0.f;
    reduce_rows(rows, channels, 1, totals, [&](int64_t b, int64_t e, float* block, double* part) {
      channel_sums(px, pm, true, b, e, channels, block, part);
    });
    for (size_t c = 0; c < n; ++c) pv[c] = rows ? static_cast<float>(totals[c] / static_cast<double>(rows)) : 0.f;
  }
  // Keras's order: inv = rsqrt(variance + epsilon) * gamma, y = x * inv + (beta - mean * inv).
  std::vector<float> scale(n), shift(n);
  for (size_t c = 0; c < n; ++c) {
    scale[c] = 1.f / std::sqrt(pv[c] + epsilon);
    if (gamma.defined()) scale[c] *= gamma.data<float>()[c];
    shift[c] = (beta.defined() ? beta.data<float>()[c] : 0.f) - pm[c] * scale[c];
  }
  parallel_for(rows, grain_rows(channels), [&](int64_t b, int64_t e) {
    per_channel_affine(px, nullptr, scale.data(), nullptr, nullptr, shift.data(), b, e, channels, y.data<float>());
  });
}

void CpuBackend::batch_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean, const Tensor& variance,
                                     const Tensor& dy, int64_t rows, int64_t channels, float epsilon, bool training,
                                     Tensor& dx, Tensor& dgamma, Tensor& dbeta) {
  const size_t n = static_cast<size_t>(channels);
  const float *px = x.data<float>(), *pg = dy.data<float>(), *pm = mean.data<float>(), *pv = variance.data<float>();
  std::vector<double> totals(2 * n, 0.0);  // [sum dy | sum dy * (x - mean)]
  if (training || dgamma.defined() || dbeta.defined())
    reduce_rows(rows, channels, 2, totals, [&](int64_t b, int64_t e, float* block, double* part) {
      gradient_sums(pg, px, pm, b, e, channels, block, block + channels, part, part + channels);
    });
  // dx = scale * (dy - [training] (sum dy + xhat * sum dy * xhat) / rows), scale = gamma * inv,
  // written dx = dy * p + (x - mean) * q + r per channel.
  std::vector<float> p(n), q(n, 0.f), r(n, 0.f);
  for (size_t c = 0; c < n; ++c) {
    const double inv = 1.0 / std::sqrt(static_cast<double>(pv[c]) + epsilon);
    const double scale = inv * (gamma.defined() ? gamma.data<float>()[c] : 1.f);
    const double sum_dy = totals[c], sum_dyxhat = totals[n + c] * inv;
    p[c] = static_cast<float>(scale);
    if (training && rows > 0) {
      const double k1 = -scale * inv * sum_dyxhat / static_cast<double>(rows);  // times (x - mean)
      const double k0 = -scale * sum_dy / static_cast<double>(rows);
      q[c] = static_cast<float>(k1);
      r[c] = static_cast<float>(k0);
    }
    if (dgamma.defined()) dgamma.data<float>()[c] = static_cast<float>(sum_dyxhat);
    if (dbeta.defined()) dbeta.data<float>()[c] = static_cast<float>(sum_dy);
  }
  parallel_for(rows, grain_rows(channels), [&](int64_t b, int64_t e) {
    per_channel_affine(pg, training ? px : nullptr, p.data(), pm, q.data(), r.data(), b, e, channels, dx.data<float>());
  });
}

}  // namespace keras::backend::cpu
