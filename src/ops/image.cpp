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
#include "ops/image_internal.h"

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

namespace {

bool one_of(const std::string& s, const auto& list) {
  return std::any_of(list.begin(), list.end(), [&](const char* name) { return s == name; });
}

std::string list_of(const auto& list) {
  std::string out;
  for (const char* name : list) out += cat(out.empty() ? "" : ", ", "\"", name, "\"");
  return out;
}

/// Python's floor modulo (the result has the divisor's sign).
int64_t floor_mod(int64_t a, int64_t n) { return ((a % n) + n) % n; }

/// jax.scipy.ndimage's index fixers: where an index outside [0, size) reads. -1 for
/// "constant" (the fill value).
int64_t fix_index(int64_t i, int64_t size, char mode) {
  if (i >= 0 && i < size) return i;
  switch (mode) {
    case 'n':
      return std::clamp<int64_t>(i, 0, size - 1);
    case 'w':
      return floor_mod(i, size);
    case 'r': {  // reflect: the mirror index of 2i + 1 in a wave of 2 size + 1, halved
      const int64_t s = 2 * size;
      return (std::abs(floor_mod(2 * i + 1 + s, 2 * s) - s) - 1) / 2;
    }
    case 'm': {  // mirror: about the edge pixels, d c b | a b c d | c b a
      if (size == 1) return 0;
      const int64_t period = 2 * (size - 1), k = floor_mod(i, period);
      return k < size ? k : period - k;
    }
    default:
      return -1;
  }
}

/// where(c, a, b) for finite a and b, from a 0/1 mask.
Tensor select(const Tensor& c, const Tensor& a, const Tensor& b) {
  return add(b, multiply(cast(c, a.dtype()), subtract(a, b)));
}

TensorList rgb_planes(const Tensor& images, const char* op) {
  if (images.rank() < 1 || images.dim(-1) != 3)
    throw ValueError(
        cat(op, ": expected 3 channels on the last axis, got images of shape ", images.shape().to_string()));
  if (!is_floating(images.dtype()))
    throw ValueError(
        cat(op, ": invalid images dtype: expected float dtype. Received: images.dtype=", dtype_name(images.dtype())));
  return split(images, {1, 1, 1}, -1);
}

}  // namespace

Tensor affine_transform(const Tensor& images, const Tensor& transform, const std::string& interpolation,
                        const std::string& fill_mode, double fill_value) {
  if (!one_of(interpolation, kAffineInterpolations))
    throw ValueError(cat("affine_transform: invalid value for argument `interpolation`. Expected one of ",
                         list_of(kAffineInterpolations), ". Received: interpolation=", interpolation));
  if (!one_of(fill_mode, kAffineFillModes))
    throw ValueError(cat("affine_transform: invalid value for argument `fill_mode`. Expected one of ",
                         list_of(kAffineFillModes), ". Received: fill_mode=", fill_mode));
  if (images.rank() != 3 && images.rank() != 4)
    throw ValueError(
        cat("affine_transform: invalid images rank: expected rank 3 (single image) or rank 4 (batch of "
            "images). Received input with shape: images.shape=",
            images.shape().to_string()));
  const Tensor x = images.rank() == 3 ? expand_dims(images, 0) : images;
  const int64_t batch = x.dim(0), height = x.dim(1), width = x.dim(2);
  if ((transform.rank() != 1 && transform.rank() != 2) || transform.dim(-1) != 8 ||
      (transform.rank() == 2 && transform.dim(0) != batch && transform.dim(0) != 1))
    throw ValueError(cat("affine_transform: expected a transform of shape (8) or (", batch, ", 8) for images of shape ",
                         images.shape().to_string(), ". Received: transform.shape=", transform.shape().to_string()));
  if (x.size() == 0) return images;
  const std::vector<double> t = transform.to_vector<double>();
  const bool per_image = transform.rank() == 2 && transform.dim(0) == batch && batch > 1;
  const auto n = static_cast<size_t>(batch * height * width);
  std::vector<double> rows(n), cols(n);
  for (int64_t b = 0; b < batch; ++b) {
    const double* m = t.data() + (per_image ? 8 * b : 0);
    for (int64_t i = 0; i < height; ++i)
      for (int64_t j = 0; j < width; ++j) {
        const auto p = static_cast<size_t>((b * height + i) * width + j);
        const auto xj = static_cast<double>(j), yi = static_cast<double>(i);
        const double k = m[6] * xj + m[7] * yi + 1.0;
        cols[p] = (m[0] * xj + m[1] * yi + m[2]) / k;
        rows[p] = (m[3] * xj + m[4] * yi + m[5]) / k;
      }
  }
  const Tensor out = detail::map_coordinates(x, rows, cols, interpolation, fill_mode, fill_value);
  return images.rank() == 3 ? squeeze(out, 0) : out;
}

namespace detail {

Tensor map_coordinates(const Tensor& x, const std::vector<double>& rows, const std::vector<double>& cols,
                       const std::string& interpolation, const std::string& fill_mode, double fill_value) {
  const int64_t batch = x.dim(0), height = x.dim(1), width = x.dim(2), channels = x.dim(3);
  const int64_t n = batch * height * width;  // row n is the fill value
  if (rows.size() != static_cast<size_t>(n) || cols.size() != static_cast<size_t>(n))
    throw ValueError(cat("map_coordinates: expected ", n, " coordinates for images of shape ", x.shape().to_string(),
                         ", got ", rows.size(), " and ", cols.size()));
  if (n == 0) return x;
  const char mode = fill_mode == "constant"  ? 'c'
                    : fill_mode == "nearest" ? 'n'
                    : fill_mode == "wrap"    ? 'w'
                    : fill_mode == "mirror"  ? 'm'
                                             : 'r';
  const bool bilinear = interpolation == "bilinear";
  const size_t corners = bilinear ? 4 : 1;
  std::vector<std::vector<int64_t>> index(corners, std::vector<int64_t>(static_cast<size_t>(n)));
  std::vector<std::vector<float>> weight(corners, std::vector<float>(static_cast<size_t>(n)));
  for (int64_t p = 0; p < n; ++p) {
    const int64_t b = p / (height * width);
    const auto q = static_cast<size_t>(p);
    const double in_y = rows[q], in_x = cols[q];
    auto at = [&](double r, double c) {
      if (!std::isfinite(r) || !std::isfinite(c) || std::abs(r) > 1e12 || std::abs(c) > 1e12) return n;
      const int64_t fr = fix_index(static_cast<int64_t>(r), height, mode);
      const int64_t fc = fix_index(static_cast<int64_t>(c), width, mode);
      return fr < 0 || fc < 0 ? n : (b * height + fr) * width + fc;
    };
    if (!bilinear) {
      index[0][q] = at(std::round(in_y), std::round(in_x));
      weight[0][q] = 1.0f;
      continue;
    }
    const double y0 = std::floor(in_y), x0 = std::floor(in_x), dy = in_y - y0, dx = in_x - x0;
    index[0][q] = at(y0, x0), weight[0][q] = static_cast<float>((1 - dy) * (1 - dx));
    index[1][q] = at(y0, x0 + 1), weight[1][q] = static_cast<float>((1 - dy) * dx);
    index[2][q] = at(y0 + 1, x0), weight[2][q] = static_cast<float>(dy * (1 - dx));
    index[3][q] = at(y0 + 1, x0 + 1), weight[3][q] = static_cast<float>(dy * dx);
  }
  const Tensor xf = x.dtype() == DType::float32 ? x : cast(x, DType::float32);
  const Tensor table = concatenate(
      {reshape(xf, Shape{n, channels}), Tensor::full(Shape{1, channels}, fill_value, DType::float32, x.device())}, 0);
  Tensor out;
  for (size_t c = 0; c < corners; ++c) {
    const Tensor gathered = take_rows(table, Tensor::from_vector<int64_t>(index[c], Shape{n}, x.device()));
    const Tensor term =
        bilinear ? multiply(gathered, Tensor::from_vector<float>(weight[c], Shape{n, 1}, x.device())) : gathered;
    out = out.defined() ? add(out, term) : term;
  }
  out = reshape(out, x.shape());
  return out.dtype() != x.dtype() ? cast(out, x.dtype()) : out;
}

}  // namespace detail

Tensor rgb_to_grayscale(const Tensor& images) {
  const TensorList c = rgb_planes(images, "rgb_to_grayscale");
  const auto s = [&](double v) { return Tensor::scalar(v, images.dtype(), images.device()); };
  return add(add(multiply(c[0], s(0.2989)), multiply(c[1], s(0.587))), multiply(c[2], s(0.114)));
}

Tensor rgb_to_hsv(const Tensor& images) {
  const TensorList c = rgb_planes(images, "rgb_to_hsv");
  const auto s = [&](double v) { return Tensor::scalar(v, images.dtype(), images.device()); };
  const Tensor &r = c[0], &g = c[1], &b = c[2];
  const Tensor value = maximum(maximum(r, g), b);
  const Tensor range = subtract(value, minimum(minimum(r, g), b));
  const Tensor positive_value = greater(value, s(0.0)), positive_range = greater(range, s(0.0));
  const Tensor saturation = select(positive_value, divide(range, select(positive_value, value, s(1.0))), s(0.0));
  const Tensor norm = reciprocal(multiply(select(positive_range, range, s(1.0)), s(6.0)));
  Tensor hue = select(equal(value, g), add(multiply(norm, subtract(b, r)), s(2.0 / 6.0)),
                      add(multiply(norm, subtract(r, g)), s(4.0 / 6.0)));
  hue = select(equal(value, r), multiply(norm, subtract(g, b)), hue);
  hue = select(positive_range, hue, s(0.0));
  hue = add(hue, cast(less(hue, s(0.0)), hue.dtype()));
  return concatenate({hue, saturation, value}, -1);
}

Tensor hsv_to_rgb(const Tensor& images) {
  const TensorList c = rgb_planes(images, "hsv_to_rgb");
  const auto s = [&](double v) { return Tensor::scalar(v, images.dtype(), images.device()); };
  // mod(hue, 1) for hue in [-1, 2), the range the augmentation layers produce.
  Tensor hue = select(greater_equal(c[0], s(1.0)), subtract(c[0], s(1.0)), c[0]);
  hue = select(less(hue, s(0.0)), add(hue, s(1.0)), hue);
  const Tensor dh = multiply(hue, s(6.0));
  const Tensor dr = clip(subtract(abs(subtract(dh, s(3.0))), s(1.0)), 0.0, 1.0);
  const Tensor dg = clip(subtract(s(2.0), abs(subtract(dh, s(2.0)))), 0.0, 1.0);
  const Tensor db = clip(subtract(s(2.0), abs(subtract(dh, s(4.0)))), 0.0, 1.0);
  const Tensor one_minus_s = subtract(s(1.0), c[1]);
  const auto plane = [&](const Tensor& d) { return multiply(c[2], add(one_minus_s, multiply(c[1], d))); };
  return concatenate({plane(dr), plane(dg), plane(db)}, -1);
}

}  // namespace keras::ops::image
