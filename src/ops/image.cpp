// keras.ops.image.resize as separable per-axis weights (host-built, then a matmul on the
// images' device) or, for "nearest", a gather of rows.
#include "keras/ops/image.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numbers>

#include "keras/errors.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::ops::image {

using keras::detail::cat;

namespace {

// The kernels of Keras's scale_and_translate, of the distance x >= 0 from the sample.
double triangle_kernel(double x) { return std::max(0.0, 1.0 - std::abs(x)); }

double keys_cubic_kernel(double x) {  // a = -0.5
  if (x >= 2.0) return 0.0;
  if (x >= 1.0) return ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0;
  return ((1.5 * x - 2.5) * x) * x + 1.0;
}

double lanczos_kernel(double radius, double x) {
  if (x > radius) return 0.0;
  if (x <= 1e-3) return 1.0;
  const double pi = std::numbers::pi;
  return radius * std::sin(pi * x) * std::sin(pi * x / radius) / (pi * pi * x * x);
}

// The scale_and_translate weights (translation 0): output j samples input position
// (j + 0.5) / scale - 0.5; each column is normalised to sum 1 (0 when its sum is ~0), and
// samples outside [-0.5, in - 0.5] get no weight.
std::vector<double> kernel_weights(int64_t in_len, int64_t out_len, double (*kernel)(double, double), double param,
                                   bool antialias) {
  const double scale = static_cast<double>(out_len) / static_cast<double>(in_len);
  const double inv_scale = 1.0 / scale;
  const double kernel_scale = antialias ? std::max(inv_scale, 1.0) : 1.0;
  std::vector<double> w(static_cast<size_t>(out_len * in_len), 0.0);
  for (int64_t j = 0; j < out_len; ++j) {
    const double sample = (static_cast<double>(j) + 0.5) * inv_scale - 0.0 * inv_scale - 0.5;
    double* row = w.data() + j * in_len;
    double total = 0.0;
    for (int64_t i = 0; i < in_len; ++i) {
      row[i] = kernel(param, std::abs(sample - static_cast<double>(i)) / kernel_scale);
      total += row[i];
    }
    const bool inside = sample >= -0.5 && sample <= static_cast<double>(in_len) - 0.5;
    const bool usable = std::abs(total) > 1000.0 * static_cast<double>(FLT_EPSILON);
    for (int64_t i = 0; i < in_len; ++i) row[i] = inside && usable ? row[i] / total : 0.0;
  }
  return w;
}

// TensorFlow's resize_area: the overlap of output cell j's box [j s, (j + 1) s)
// (s = in / out) with input cell i, divided by s.
std::vector<double> area_weights(int64_t in_len, int64_t out_len) {
  const double s = static_cast<double>(in_len) / static_cast<double>(out_len);
  std::vector<double> w(static_cast<size_t>(out_len * in_len), 0.0);
  for (int64_t j = 0; j < out_len; ++j) {
    const double lo = static_cast<double>(j) * s, hi = static_cast<double>(j + 1) * s;
    for (int64_t i = 0; i < in_len; ++i) {
      const double overlap = std::min(hi, static_cast<double>(i + 1)) - std::max(lo, static_cast<double>(i));
      if (overlap > 0.0) w[static_cast<size_t>(j * in_len + i)] = overlap / s;
    }
  }
  return w;
}

// Keras's _resize_nearest: floor((j + 0.5) * in / out), in float32 arithmetic.
std::vector<int64_t> nearest_indices(int64_t in_len, int64_t out_len) {
  std::vector<int64_t> idx(static_cast<size_t>(out_len));
  for (int64_t j = 0; j < out_len; ++j) {
    const float pos = (static_cast<float>(j) + 0.5f) * static_cast<float>(in_len) / static_cast<float>(out_len);
    const auto i = static_cast<int64_t>(std::floor(pos));
    idx[static_cast<size_t>(j)] = std::clamp<int64_t>(i, 0, in_len - 1);
  }
  return idx;
}

// Resamples axis `axis` of x (float32) from in_len to out_len.
Tensor resize_axis(const Tensor& x, int64_t axis, int64_t out_len, const std::string& interpolation, bool antialias) {
  const auto a = static_cast<size_t>(axis);
  const int64_t in_len = x.shape()[a];
  if (interpolation == "nearest") {
    // Move the axis to the front, pick rows, move it back.
    std::vector<int64_t> perm(static_cast<size_t>(x.rank()));
    for (size_t k = 0; k < perm.size(); ++k) perm[k] = static_cast<int64_t>(k);
    std::swap(perm[0], perm[a]);
    const std::vector<int64_t> idx = nearest_indices(in_len, out_len);
    const Tensor index = Tensor::from_vector<int64_t>(idx, Shape{out_len}, x.device());
    return transpose(take_rows(transpose(x, perm), index), perm);
  }
  // (lead, in, trail) -> weights (out, in) @ it -> (lead, out, trail).
  int64_t lead = 1, trail = 1;
  for (size_t k = 0; k < a; ++k) lead *= x.shape()[k];
  for (size_t k = a + 1; k < static_cast<size_t>(x.rank()); ++k) trail *= x.shape()[k];
  const std::vector<double> wd = resize_weights(in_len, out_len, interpolation, antialias);
  const std::vector<float> wf(wd.begin(), wd.end());
  const Tensor w = Tensor::from_vector<float>(wf, Shape{out_len, in_len}, x.device());
  Shape out_shape = x.shape();
  out_shape[a] = out_len;
  return reshape(matmul(w, reshape(x, Shape{lead, in_len, trail})), out_shape);
}

}  // namespace

bool is_resize_interpolation(const std::string& interpolation) {
  return std::any_of(kResizeInterpolations.begin(), kResizeInterpolations.end(),
                     [&](const char* name) { return interpolation == name; });
}

std::string resize_interpolations_list() {
  std::string out;
  for (const char* name : kResizeInterpolations) out += cat(out.empty() ? "" : ", ", "\"", name, "\"");
  return out;
}

std::vector<double> resize_weights(int64_t in_len, int64_t out_len, const std::string& interpolation, bool antialias) {
  if (in_len <= 0 || out_len <= 0)
    throw ValueError(cat("resize_weights: lengths must be positive, got in_len=", in_len, " and out_len=", out_len));
  if (interpolation == "bilinear")
    return kernel_weights(
        in_len, out_len, [](double, double x) { return triangle_kernel(x); }, 0.0, antialias);
  if (interpolation == "bicubic")
    return kernel_weights(
        in_len, out_len, [](double, double x) { return keys_cubic_kernel(x); }, 0.0, antialias);
  if (interpolation == "lanczos3") return kernel_weights(in_len, out_len, lanczos_kernel, 3.0, antialias);
  if (interpolation == "lanczos5") return kernel_weights(in_len, out_len, lanczos_kernel, 5.0, antialias);
  if (interpolation == "area") return area_weights(in_len, out_len);
  if (interpolation == "nearest") {
    std::vector<double> w(static_cast<size_t>(out_len * in_len), 0.0);
    const std::vector<int64_t> idx = nearest_indices(in_len, out_len);
    for (int64_t j = 0; j < out_len; ++j) w[static_cast<size_t>(j * in_len + idx[static_cast<size_t>(j)])] = 1.0;
    return w;
  }
  throw ValueError(cat("Invalid value for argument `interpolation`. Expected one of ", resize_interpolations_list(),
                       ". Received: interpolation=\"", interpolation, "\""));
}

Tensor resize(const Tensor& images, std::array<int64_t, 2> size, const std::string& interpolation, bool antialias) {
  if (!is_resize_interpolation(interpolation))
    throw ValueError(cat("resize: invalid value for argument `interpolation`. Expected one of ",
                         resize_interpolations_list(), ". Received: interpolation=\"", interpolation, "\""));
  if (images.rank() != 3 && images.rank() != 4)
    throw ValueError(
        cat("resize: invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
            "Received input with shape: images.shape=",
            images.shape().to_string()));
  if (size[0] <= 0 || size[1] <= 0)
    throw ValueError(cat("resize: argument `size` must be two positive integers (height, width). Received: size=(",
                         size[0], ", ", size[1], ")"));
  if (!is_floating(images.dtype()))
    throw TypeError(cat("resize: expected floating images, got ", dtype_name(images.dtype()), " of shape ",
                        images.shape().to_string(), " (cast them with astype first)"));
  const int64_t h_axis = images.rank() - 3;
  for (int64_t k = 0; k < 2; ++k)
    if (images.shape()[static_cast<size_t>(h_axis + k)] == 0)
      throw ValueError(cat("resize: cannot resize images of shape ", images.shape().to_string(),
                           " with an empty spatial axis to size=(", size[0], ", ", size[1], ")"));
  Tensor x = images.dtype() == DType::float32 ? images : cast(images, DType::float32);
  for (int64_t k = 0; k < 2; ++k)
    if (x.shape()[static_cast<size_t>(h_axis + k)] != size[static_cast<size_t>(k)])
      x = resize_axis(x, h_axis + k, size[static_cast<size_t>(k)], interpolation, antialias);
  return x.dtype() == images.dtype() ? x : cast(x, images.dtype());
}

}  // namespace keras::ops::image
