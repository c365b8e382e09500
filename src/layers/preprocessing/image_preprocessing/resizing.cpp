#include "keras/layers/preprocessing/image_preprocessing/resizing.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/image.h"
#include "layers/preprocessing/image_preprocessing/resize_internal.h"

namespace keras::layers {

using keras::detail::cat;

Resizing::Resizing(int64_t height, int64_t width, ResizingOptions o)
    : Concrete("Resizing", layer_args_of(o)), height_(height), width_(width), options_(std::move(o)) {
  if (height_ <= 0 || width_ <= 0)
    fail(cat("`height` and `width` must be positive integers. Received: height=", height_, ", width=", width_));
  if (!ops::image::is_resize_interpolation(options_.interpolation))
    fail(cat("Invalid value for argument `interpolation`. Expected one of ", ops::image::resize_interpolations_list(),
             ". Received: interpolation=", options_.interpolation));
  if (options_.fill_mode != "constant")
    fail(cat("Invalid value for argument `fill_mode`. Only `'constant'` is supported. Received: fill_mode=",
             options_.fill_mode));
  if (options_.crop_to_aspect_ratio && options_.pad_to_aspect_ratio)
    fail("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`.");
  if (const std::string bad = detail::bad_data_format_message(options_.data_format); !bad.empty()) fail(bad);
}

Shape Resizing::compute_output_shape(const Shape& s) {
  if (s.rank() != 3 && s.rank() != 4)
    fail(cat("Expected images of rank 3 (unbatched) or 4 (batched), got shape ", s.to_string()));
  Shape out = s;
  const size_t h = static_cast<size_t>(s.rank()) - (options_.data_format == "channels_last" ? 3 : 2);
  out[h] = height_;
  out[h + 1] = width_;
  return out;
}

Tensor Resizing::call(const Tensor& x, const CallContext&) {
  const Shape out_shape = compute_output_shape(x.shape());
  if (x.size() == 0) return Tensor::zeros(out_shape, x.dtype(), x.device());
  return detail::on_nhwc(x, options_.data_format == "channels_first", [&](Tensor images) {
    if (options_.crop_to_aspect_ratio) images = detail::crop_to_aspect_ratio(images, height_, width_);
    else if (options_.pad_to_aspect_ratio)
      images = detail::pad_to_aspect_ratio(images, height_, width_, options_.fill_value);
    return ops::image::resize(images, {height_, width_}, options_.interpolation, options_.antialias);
  });
}

Config Resizing::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["height"] = height_;
  c["width"] = width_;
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> Resizing::from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<Resizing>(r.required<int64_t>("height"), r.required<int64_t>("width"),
                                    r.options<ResizingOptions>());
}

}  // namespace keras::layers
