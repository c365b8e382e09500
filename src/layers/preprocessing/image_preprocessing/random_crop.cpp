#include "keras/layers/preprocessing/image_preprocessing/random_crop.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/image.h"
#include "layers/preprocessing/image_preprocessing/resize_internal.h"

namespace keras::layers {

using keras::detail::cat;

RandomCrop::RandomCrop(int64_t height, int64_t width, RandomCropOptions o)
    : Concrete("RandomCrop", layer_args_of(o), o.data_format, o.seed),
      height_(height),
      width_(width),
      options_(std::move(o)) {
  if (height_ <= 0 || width_ <= 0)
    fail(cat("`height` and `width` must be positive integers. Received: height=", height_, ", width=", width_));
}

Tensor RandomCrop::transform_images(const Tensor& images) {
  const int64_t batch = images.dim(0), h = images.dim(1), w = images.dim(2), c = images.dim(3);
  if (h > height_ && w > width_) {
    // Keras draws each start from its own seed: uniform in [0, h - height + 1), truncated.
    const auto h_start = static_cast<int64_t>(draw(1, 0.0, static_cast<double>(h - height_ + 1))[0]);
    const auto w_start = static_cast<int64_t>(draw(1, 0.0, static_cast<double>(w - width_ + 1))[0]);
    return ops::slice(images, {0, std::min(h_start, h - height_), std::min(w_start, w - width_), 0},
                      {batch, height_, width_, c});
  }
  const Tensor window = detail::crop_to_aspect_ratio(images, height_, width_);
  if (window.dim(1) == height_ && window.dim(2) == width_) return window;
  return ops::image::resize(window, {height_, width_}, "bilinear");
}

Config RandomCrop::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["height"] = height_;
  c["width"] = width_;
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> RandomCrop::from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<RandomCrop>(r.required<int64_t>("height"), r.required<int64_t>("width"),
                                      r.options<RandomCropOptions>());
}

}  // namespace keras::layers
