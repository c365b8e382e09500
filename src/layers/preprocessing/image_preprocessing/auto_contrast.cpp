#include "keras/layers/preprocessing/image_preprocessing/auto_contrast.h"

#include <algorithm>

#include "keras/layers/layer_config.h"
#include "keras/ops/math.h"
#include "layers/preprocessing/image_preprocessing/color_layers_internal.h"

namespace keras::layers {

AutoContrast::AutoContrast(AutoContrastOptions o)
    : Concrete("AutoContrast", layer_args_of(o), o.data_format, std::nullopt), options_(std::move(o)) {
  if (options_.value_range.is_list) std::sort(options_.value_range.values.begin(), options_.value_range.values.end());
  value_range_ = value_range_of(options_.value_range);
}

Tensor AutoContrast::transform_images(const Tensor& images) {
  const Tensor x = transform_value_range(images, value_range_, {0.0, 255.0});
  const Tensor low = ops::min(x, {1, 2}, true), high = ops::max(x, {1, 2}, true);
  const Tensor spread = ops::subtract(high, low);
  // Keras divides by the spread and keeps the input where that gives NaN (a constant channel).
  const Tensor varies = ops::greater(spread, detail::scalar_like(0.0, spread));
  const Tensor scale =
      ops::divide(detail::scalar_like(255.0, x), detail::where(varies, spread, detail::scalar_like(1.0, x)));
  const Tensor stretched = ops::clip(ops::multiply(ops::subtract(x, low), scale), 0.0, 255.0);
  const Tensor out = transform_value_range(stretched, {0.0, 255.0}, value_range_);
  return detail::where(ops::broadcast_to(varies, images.shape()), out, images);
}

Config AutoContrast::get_config() const { return config_with_fields(*this, options_); }

std::shared_ptr<Layer> AutoContrast::from_config(const Config& config) {
  return std::make_shared<AutoContrast>(ConfigReader(config).options<AutoContrastOptions>());
}

}  // namespace keras::layers
