// What RandomErasing, CutMix and MixUp share: the rectangles Keras cuts out of images
// (as 0/1 masks) and the host-side draws numpy-style layers need beyond uniform and
// normal (beta weights, permutations).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "keras/ops/core.h"
#include "keras/tensor/tensor.h"

namespace keras::layers::detail {

/// Keras's _compute_crop_bounds along one axis of `length`: a crop of ratio[i] * length
/// starting at u[i] * (length - crop). Returns the (start, end) of each image.
inline std::vector<std::array<double, 2>> crop_bounds(const std::vector<double>& ratio, const std::vector<double>& u,
                                                      int64_t length) {
  std::vector<std::array<double, 2>> out;
  for (size_t i = 0; i < ratio.size(); ++i) {
    const double crop = ratio[i] * static_cast<double>(length);
    const double start = u[i] * (static_cast<double>(length) - crop);
    out.push_back({start, start + crop});
  }
  return out;
}

/// A (batch, height, width, 1) mask of `like`'s dtype and device: 1 where x0 <= column
/// < x1 and y0 <= row < y1 (Keras's _generate_batch_mask), else 0.
inline Tensor box_masks(const std::vector<std::array<double, 2>>& xs, const std::vector<std::array<double, 2>>& ys,
                        int64_t height, int64_t width, const Tensor& like) {
  const auto batch = static_cast<int64_t>(xs.size());
  std::vector<float> m(static_cast<size_t>(batch * height * width), 0.0f);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t r = 0; r < height; ++r)
      for (int64_t c = 0; c < width; ++c) {
        const auto [x0, x1] = xs[static_cast<size_t>(b)];
        const auto [y0, y1] = ys[static_cast<size_t>(b)];
        const double x = static_cast<double>(c), y = static_cast<double>(r);
        if (x >= x0 && x < x1 && y >= y0 && y < y1) m[static_cast<size_t>((b * height + r) * width + c)] = 1.0f;
      }
  const Tensor t = Tensor::from_vector<float>(m, Shape{batch, height, width, 1}, like.device());
  return t.dtype() == like.dtype() ? t : ops::cast(t, like.dtype());
}

/// A generator on the host for the draws that are not plain uniform or normal numbers:
/// Beta(a, b) through two Gamma draws (Marsaglia and Tsang) and permutations. Written out
/// (not std::gamma_distribution) so a seed gives the same numbers with every standard
/// library.
class HostRandom {
 public:
  explicit HostRandom(uint64_t seed) : engine_(seed) {}
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double normal() {
    const double u = 1.0 - uniform(), v = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * 3.14159265358979323846 * v);
  }
  /// Gamma(shape, 1), shape > 0.
  double gamma(double shape) {
    if (shape < 1.0) return gamma(shape + 1.0) * std::pow(1.0 - uniform(), 1.0 / shape);
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x = normal(), v = 1.0 + c * x;
      if (v <= 0.0) continue;
      v = v * v * v;
      const double u = 1.0 - uniform();
      if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
    }
  }
  /// Beta(a, b): in [0, 1].
  double beta(double a, double b) {
    const double x = gamma(a), y = gamma(b);
    return x + y > 0.0 ? x / (x + y) : (uniform() < a / (a + b) ? 1.0 : 0.0);
  }
  /// A random order of 0..n-1 (Fisher-Yates).
  std::vector<int64_t> permutation(int64_t n) {
    std::vector<int64_t> p(static_cast<size_t>(n));
    std::iota(p.begin(), p.end(), int64_t{0});
    for (int64_t i = n - 1; i > 0; --i) {
      const auto j = static_cast<int64_t>(uniform() * static_cast<double>(i + 1));
      std::swap(p[static_cast<size_t>(i)], p[static_cast<size_t>(std::min(j, i))]);
    }
    return p;
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace keras::layers::detail
