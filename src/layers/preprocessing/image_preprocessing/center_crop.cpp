#include "keras/layers/preprocessing/image_preprocessing/center_crop.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "layers/preprocessing/image_preprocessing/resize_internal.h"

namespace keras::layers {

using keras::detail::cat;

CenterCrop::CenterCrop(int64_t height, int64_t width, CenterCropOptions o)
    : Concrete("CenterCrop", layer_args_of(o)), height_(height), width_(width), options_(std::move(o)) {
  if (height_ <= 0 || width_ <= 0)
    fail(cat("`height` and `width` must be positive integers. Received: height=", height_, ", width=", width_));
  if (const std::string bad = detail::bad_data_format_message(options_.data_format); !bad.empty()) fail(bad);
}

Shape CenterCrop::compute_output_shape(const Shape& s) {
  if (s.rank() != 3 && s.rank() != 4)
    fail(cat("Expected images of rank 3 (unbatched) or 4 (batched), got shape ", s.to_string()));
  Shape out = s;
  const size_t h = static_cast<size_t>(s.rank()) - (options_.data_format == "channels_last" ? 3 : 2);
  out[h] = height_;
  out[h + 1] = width_;
  return out;
}

Tensor CenterCrop::call(const Tensor& x, const CallContext&) {
  const Shape out_shape = compute_output_shape(x.shape());
  if (x.size() == 0) return Tensor::zeros(out_shape, x.dtype(), x.device());
  return detail::on_nhwc(x, options_.data_format == "channels_first", [&](const Tensor& images) {
    const int64_t h_diff = images.dim(1) - height_, w_diff = images.dim(2) - width_;
    if (h_diff >= 0 && w_diff >= 0)
      return ops::slice(images, {0, h_diff / 2, w_diff / 2, 0}, {images.dim(0), height_, width_, images.dim(3)});
    return detail::smart_resize(images, height_, width_, "bilinear");
  });
}

Config CenterCrop::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["height"] = height_;
  c["width"] = width_;
  return c;
}

std::shared_ptr<Layer> CenterCrop::from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<CenterCrop>(r.required<int64_t>("height"), r.required<int64_t>("width"),
                                      r.options<CenterCropOptions>());
}

}  // namespace keras::layers
