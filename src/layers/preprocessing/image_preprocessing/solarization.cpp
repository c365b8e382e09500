#include "keras/layers/preprocessing/image_preprocessing/solarization.h"

#include <algorithm>

#include "keras/layers/layer_config.h"
#include "keras/ops/math.h"
#include "layers/preprocessing/image_preprocessing/color_layers_internal.h"

namespace keras::layers {

Solarization::Solarization(SolarizationOptions o)
    : Concrete("Solarization", layer_args_of(o), o.data_format, o.seed), options_(std::move(o)) {
  // Keras: a number f is (0, f); each value within [0, 1].
  const auto pair = [&](const FloatOrList& f, const std::string& arg) {
    if (!f.is_list && f.values.size() == 1 && f.values[0] >= 0.0 && f.values[0] <= 1.0)
      return std::array<double, 2>{0.0, f.values[0]};
    return factor_range(f, 0.0, 1.0, arg);
  };
  addition_ = pair(options_.addition_factor, "addition_factor");
  threshold_ = pair(options_.threshold_factor, "threshold_factor");
  options_.addition_factor = FloatOrList{addition_[0], addition_[1]};
  options_.threshold_factor = FloatOrList{threshold_[0], threshold_[1]};
  if (options_.value_range.is_list) std::sort(options_.value_range.values.begin(), options_.value_range.values.end());
  value_range_ = value_range_of(options_.value_range);
}

Tensor Solarization::transform_images(const Tensor& images) {
  const int64_t batch = images.dim(0);
  const Tensor additions = per_image(draw(batch, addition_[0], addition_[1] * 255.0), images);
  const Tensor thresholds = per_image(draw(batch, threshold_[0], threshold_[1] * 255.0), images);
  const Tensor x =
      ops::clip(ops::add(transform_value_range(images, value_range_, {0.0, 255.0}), additions), 0.0, 255.0);
  const Tensor solarized = detail::where(ops::less(x, thresholds), x, ops::subtract(detail::scalar_like(255.0, x), x));
  return transform_value_range(solarized, {0.0, 255.0}, value_range_);
}

Config Solarization::get_config() const { return config_with_fields(*this, options_); }

std::shared_ptr<Layer> Solarization::from_config(const Config& config) {
  return std::make_shared<Solarization>(ConfigReader(config).options<SolarizationOptions>());
}

}  // namespace keras::layers
