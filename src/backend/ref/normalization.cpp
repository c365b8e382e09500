// Reference layer normalization: each row's mean and variance in double (two passes),
// and backward from the textbook derivative, one row at a time.
#include <cmath>
#include <vector>

#include "backend/ref/ref_backend.h"

namespace keras::backend::ref {

void RefBackend::layer_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, int64_t rows,
                                    int64_t cols, float epsilon, Tensor& y, Tensor& mean, Tensor& rstd) {
  const float* px = x.data<float>();
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = px + r * cols;
    double mu = 0, var = 0;
    for (int64_t c = 0; c < cols; ++c) mu += row[c];
    mu /= static_cast<double>(cols);
    for (int64_t c = 0; c < cols; ++c) var += (row[c] - mu) * (row[c] - mu);
    var /= static_cast<double>(cols);
    const double inv = 1.0 / std::sqrt(var + static_cast<double>(epsilon));
    for (int64_t c = 0; c < cols; ++c) {
      double v = (row[c] - mu) * inv;
      if (gamma.defined()) v *= gamma.data<float>()[c];
      if (beta.defined()) v += beta.data<float>()[c];
      y.data<float>()[r * cols + c] = static_cast<float>(v);
    }
    mean.data<float>()[r] = static_cast<float>(mu);
    rstd.data<float>()[r] = static_cast<float>(inv);
  }
}

void RefBackend::layer_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean, const Tensor& rstd,
                                     const Tensor& dy, int64_t rows, int64_t cols, Tensor& dx, Tensor& dgamma,
                                     Tensor& dbeta) {
  std::vector<double> dg(static_cast<size_t>(cols)), db(static_cast<size_t>(cols));
  std::vector<double> xhat(static_cast<size_t>(cols)), dxhat(static_cast<size_t>(cols));
  for (int64_t r = 0; r < rows; ++r) {
    const double mu = mean.data<float>()[r], inv = rstd.data<float>()[r];
    // dx = inv * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = dy * gamma.
    double m1 = 0, m2 = 0;
    for (int64_t c = 0; c < cols; ++c) {
      const size_t i = static_cast<size_t>(c);
      const double g = dy.data<float>()[r * cols + c];
      xhat[i] = (x.data<float>()[r * cols + c] - mu) * inv;
      dxhat[i] = g * (gamma.defined() ? gamma.data<float>()[c] : 1.0);
      dg[i] += g * xhat[i];
      db[i] += g;
      m1 += dxhat[i];
      m2 += dxhat[i] * xhat[i];
    }
    m1 /= static_cast<double>(cols);
    m2 /= static_cast<double>(cols);
    for (int64_t c = 0; c < cols; ++c) {
      const size_t i = static_cast<size_t>(c);
      dx.data<float>()[r * cols + c] = static_cast<float>(inv * (dxhat[i] - m1 - xhat[i] * m2));
    }
  }
  for (int64_t c = 0; c < cols; ++c) {
    if (dgamma.defined()) dgamma.data<float>()[c] = static_cast<float>(dg[static_cast<size_t>(c)]);
    if (dbeta.defined()) dbeta.data<float>()[c] = static_cast<float>(db[static_cast<size_t>(c)]);
  }
}

}  // namespace keras::backend::ref
