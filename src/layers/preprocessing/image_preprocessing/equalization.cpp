#include "keras/layers/preprocessing/image_preprocessing/equalization.h"

#include <algorithm>
#include <cmath>

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"

namespace keras::layers {

using keras::detail::cat;

Equalization::Equalization(EqualizationOptions o)
    : Concrete("Equalization", layer_args_of(o), o.data_format, std::nullopt), options_(std::move(o)) {
  if (options_.value_range.is_list) std::sort(options_.value_range.values.begin(), options_.value_range.values.end());
  value_range_ = value_range_of(options_.value_range);
  if (options_.bins < 1) fail(cat("The `bins` argument should be a positive integer. Received: bins=", options_.bins));
}

Tensor Equalization::transform_images(const Tensor& images) {
  // A lookup table per channel from a histogram: a gather of counted data, done here on
  // the host. The arithmetic follows Keras's numpy backend: the value mapping and the
  // bin indices in float32, the table and the mapping back in float64.
  const std::vector<float> x = images.to_vector<float>();
  const auto channels = static_cast<size_t>(images.dim(3));
  const auto bins = static_cast<size_t>(options_.bins);
  const float last_bin = static_cast<float>(bins - 1);
  const double to_scale = 255.0 / (value_range_[1] - value_range_[0]), to_offset = 0.0 - value_range_[0] * to_scale;
  const double back_scale = (value_range_[1] - value_range_[0]) / 255.0, back_offset = value_range_[0];
  // int(clip(t, 0, bins - 1)), NaN to 0 (never a cast of an out-of-range float).
  const auto bin_of = [&](float t) { return t >= last_bin ? bins - 1 : (t > 0.0f ? static_cast<size_t>(t) : 0); };

  std::vector<float> scaled(x.size()), out(x.size());
  for (size_t i = 0; i < x.size(); ++i) scaled[i] = x[i] * static_cast<float>(to_scale) + static_cast<float>(to_offset);
  for (size_t c = 0; c < channels; ++c) {
    std::vector<int64_t> cdf(bins, 0);
    for (size_t i = c; i < x.size(); i += channels) ++cdf[bin_of(scaled[i] * last_bin / 255.0f)];
    const auto nonzero_bins = std::count_if(cdf.begin(), cdf.end(), [](int64_t n) { return n > 0; });
    for (size_t k = 1; k < bins; ++k) cdf[k] += cdf[k - 1];
    const int64_t cdf_min = *std::find_if(cdf.begin(), cdf.end(), [](int64_t n) { return n > 0; });
    const int64_t denominator = cdf.back() - cdf_min == 0 ? 1 : cdf.back() - cdf_min;
    std::vector<double> table(bins);
    for (size_t k = 0; k < bins; ++k)  // numpy's round: half to even
      table[k] = std::clamp(
          std::nearbyint(static_cast<double>(cdf[k] - cdf_min) * 255.0 / static_cast<double>(denominator)), 0.0, 255.0);
    for (size_t i = c; i < x.size(); i += channels) {
      const double v = nonzero_bins <= 1 ? scaled[i] : table[bin_of(scaled[i] / 255.0f * last_bin)];
      out[i] = static_cast<float>(v * back_scale + back_offset);
    }
  }
  const Tensor result = Tensor::from_vector<float>(out, images.shape(), images.device());
  return result.dtype() == images.dtype() ? result : ops::cast(result, images.dtype());
}

Config Equalization::get_config() const { return config_with_fields(*this, options_); }

std::shared_ptr<Layer> Equalization::from_config(const Config& config) {
  return std::make_shared<Equalization>(ConfigReader(config).options<EqualizationOptions>());
}

}  // namespace keras::layers
