// Reference layer and batch normalization: statistics in double (two passes), backward
// from the textbook derivative.
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

void RefBackend::batch_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, int64_t rows,
                                    int64_t channels, float epsilon, bool training, Tensor& mean, Tensor& variance,
                                    Tensor& y) {
  const float* px = x.data<float>();
  for (int64_t c = 0; c < channels; ++c) {
    double mu = 0, var = 0;
    if (!training) {
      mu = mean.data<float>()[c];
      var = variance.data<float>()[c];
    } else {
      for (int64_t r = 0; r < rows; ++r) mu += px[r * channels + c];
      mu = rows ? mu / static_cast<double>(rows) : 0.0;
      for (int64_t r = 0; r < rows; ++r) var += (px[r * channels + c] - mu) * (px[r * channels + c] - mu);
      var = rows ? var / static_cast<double>(rows) : 0.0;
      mean.data<float>()[c] = static_cast<float>(mu);
      variance.data<float>()[c] = static_cast<float>(var);
    }
    const double inv = 1.0 / std::sqrt(var + static_cast<double>(epsilon));
    for (int64_t r = 0; r < rows; ++r) {
      double v = (px[r * channels + c] - mu) * inv;
      if (gamma.defined()) v *= gamma.data<float>()[c];
      if (beta.defined()) v += beta.data<float>()[c];
      y.data<float>()[r * channels + c] = static_cast<float>(v);
    }
  }
}

void RefBackend::batch_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean, const Tensor& variance,
                                     const Tensor& dy, int64_t rows, int64_t channels, float epsilon, bool training,
                                     Tensor& dx, Tensor& dgamma, Tensor& dbeta) {
  for (int64_t c = 0; c < channels; ++c) {
    const double mu = mean.data<float>()[c];
    const double inv = 1.0 / std::sqrt(static_cast<double>(variance.data<float>()[c]) + epsilon);
    const double g = gamma.defined() ? gamma.data<float>()[c] : 1.0;
    double sum_dy = 0, sum_dy_xhat = 0;
    for (int64_t r = 0; r < rows; ++r) {
      const double d = dy.data<float>()[r * channels + c];
      sum_dy += d;
      sum_dy_xhat += d * (x.data<float>()[r * channels + c] - mu) * inv;
    }
    // Training: dx = g * inv * (dy - mean(dy) - xhat * mean(dy * xhat)); else dx = g * inv * dy.
    for (int64_t r = 0; r < rows; ++r) {
      double d = dy.data<float>()[r * channels + c];
      if (training) {
        const double xhat = (x.data<float>()[r * channels + c] - mu) * inv;
        d -= (sum_dy + xhat * sum_dy_xhat) / static_cast<double>(rows);
      }
      dx.data<float>()[r * channels + c] = static_cast<float>(g * inv * d);
    }
    if (dgamma.defined()) dgamma.data<float>()[c] = static_cast<float>(sum_dy_xhat);
    if (dbeta.defined()) dbeta.data<float>()[c] = static_cast<float>(sum_dy);
  }
}

}  // namespace keras::backend::ref
