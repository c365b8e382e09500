#include "keras/layers/preprocessing/image_preprocessing/random_gaussian_blur.h"

#include <algorithm>
#include <cmath>

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers {

using keras::detail::cat;

namespace {

/// One axis of the blur: out[i] = sum_j w[j] x[i + j - (k - 1) / 2], zeros outside.
Tensor blur_axis(const Tensor& x, int64_t axis, int64_t size, double sigma) {
  std::vector<double> w(static_cast<size_t>(size));
  double total = 0;
  for (int64_t j = 0; j < size; ++j) {
    const double d = (static_cast<double>(j) - static_cast<double>(size - 1) / 2.0) / sigma;
    total += w[static_cast<size_t>(j)] = std::exp(-0.5 * d * d);
  }
  const int64_t half = (size - 1) / 2;
  std::vector<std::array<int64_t, 2>> pads(4, {0, 0});
  pads[static_cast<size_t>(axis)] = {half, half};
  const Tensor padded = ops::pad(x, pads);
  std::vector<int64_t> sizes(x.shape().dims().begin(), x.shape().dims().end());
  Tensor out;
  for (int64_t j = 0; j < size; ++j) {
    std::vector<int64_t> start(4, 0);
    start[static_cast<size_t>(axis)] = j;
    const Tensor term = ops::multiply(ops::slice(padded, start, sizes),
                                      Tensor::scalar(w[static_cast<size_t>(j)] / total, x.dtype(), x.device()));
    out = j == 0 ? term : ops::add(out, term);
  }
  return out;
}

}  // namespace

RandomGaussianBlur::RandomGaussianBlur(const FloatOrList& factor, RandomGaussianBlurOptions o)
    : Concrete("RandomGaussianBlur", layer_args_of(o), o.data_format, o.seed),
      factor_(factor_range(factor, 0.0, 1.0)),
      options_(std::move(o)),
      value_range_(value_range_of(options_.value_range)) {
  for (int64_t k : options_.kernel_size.values)
    if (k <= 0 || k % 2 == 0)
      fail(cat("kernel_size must be an odd number. Received: kernel_size=(", options_.kernel_size.values[0], ", ",
               options_.kernel_size.values[1], ")"));
  const auto sigma = factor_range(options_.sigma, 0.0, 1.0, "sigma");
  options_.sigma = FloatOrList{sigma[0], sigma[1]};
}

Tensor RandomGaussianBlur::gaussian_blur(const Tensor& images, std::array<int64_t, 2> kernel_size,
                                         std::array<double, 2> sigma) {
  return blur_axis(blur_axis(images, 2, kernel_size[0], sigma[0]), 1, kernel_size[1], sigma[1]);
}

Tensor RandomGaussianBlur::transform_images(const Tensor& images) {
  const int64_t batch = images.dim(0);
  const std::vector<double> p = draw(batch, factor_[0], factor_[1]), u = draw(batch);
  const std::vector<double> sigma = draw(2, options_.sigma.values[0], options_.sigma.values[1]);
  std::vector<bool> apply;
  for (size_t i = 0; i < p.size(); ++i) apply.push_back(u[i] < p[i]);
  const bool any = std::find(apply.begin(), apply.end(), true) != apply.end();
  const Tensor blurred =
      any ? select_images(apply, images,
                          gaussian_blur(images, options_.kernel_size.values, {sigma[0] + 1e-6, sigma[1] + 1e-6}))
          : images;
  return ops::clip(blurred, value_range_[0], value_range_[1]);
}

Config RandomGaussianBlur::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["factor"] = config_value(FloatOrList{factor_[0], factor_[1]});
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> RandomGaussianBlur::from_config(const Config& config) {
  return ConfigReader(config).make<RandomGaussianBlur, FloatOrList>("factor", 1.0);
}

}  // namespace keras::layers
