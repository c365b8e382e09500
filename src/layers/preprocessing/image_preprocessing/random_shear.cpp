#include "keras/layers/preprocessing/image_preprocessing/random_shear.h"

#include <algorithm>
#include <cmath>

#include "keras/layers/layer_config.h"
#include "keras/ops/image.h"

namespace keras::layers {

using keras::detail::cat;

RandomShear::RandomShear(RandomShearOptions o)
    : Concrete("RandomShear", layer_args_of(o), o.data_format, o.seed), options_(std::move(o)) {
  // Keras's _set_factor_with_name: a number f is (-f, f), a pair is sorted; every value
  // given must lie in [0, 1]. One exception: the pair (-f, f) that a number is stored as,
  // so that a config round-trips (Keras's own check rejects its stored pair there).
  const auto pair = [&](const FloatOrList& f, const std::string& arg) {
    std::string text = f.is_list ? "(" : "";
    for (size_t i = 0; i < f.values.size(); ++i) text += cat(i ? ", " : "", f.values[i]);
    if (f.is_list) text += ")";
    const bool stored_number = f.is_list && f.values.size() == 2 && f.values[0] == -f.values[1];
    const bool in_range = std::all_of(f.values.begin(), f.values.end(),
                                      [&](double v) { return (stored_number ? std::abs(v) : v) >= 0.0 && v <= 1.0; });
    if (!in_range || f.values.size() != (f.is_list ? 2u : 1u))
      fail(cat("The `", arg,
               "` argument should be a number (or a list of two numbers) in the range [0, 1.0]. Received: ", arg, "=",
               text));
    if (!f.is_list) return std::array<double, 2>{-f.values[0], f.values[0]};
    // Python's sorted: stable, so (-0.0, 0.0) stays as it is.
    if (f.values[1] < f.values[0]) return std::array<double, 2>{f.values[1], f.values[0]};
    return std::array<double, 2>{f.values[0], f.values[1]};
  };
  x_factor_ = pair(options_.x_factor, "x_factor");
  y_factor_ = pair(options_.y_factor, "y_factor");
  options_.x_factor = FloatOrList{x_factor_[0], x_factor_[1]};
  options_.y_factor = FloatOrList{y_factor_[0], y_factor_[1]};
  check_choice("fill_mode", options_.fill_mode, kAugmentFillModes);
  check_choice("interpolation", options_.interpolation, kAugmentInterpolations);
}

Tensor RandomShear::transform_images(const Tensor& images) {
  // Keras's draws, in its order: the sign (negative when u > 0.5), then s_y, then s_x.
  const int64_t batch = images.dim(0);
  const std::vector<double> invert = draw(batch);
  const std::vector<double> shear_y = draw(batch, y_factor_[0], y_factor_[1]);
  const std::vector<double> shear_x = draw(batch, x_factor_[0], x_factor_[1]);
  // Keras's shear matrix is about the origin (the top-left pixel), not the centre, so it
  // is written here rather than through affine_matrices (which shears about the centre).
  std::vector<float> m;
  for (size_t i = 0; i < static_cast<size_t>(batch); ++i) {
    const double sign = invert[i] > 0.5 ? -1.0 : 1.0;
    for (double v : {1.0, sign * shear_x[i], 0.0, sign * shear_y[i], 1.0, 0.0, 0.0, 0.0})
      m.push_back(static_cast<float>(v));
  }
  const Tensor transform = Tensor::from_vector<float>(m, Shape{batch, 8}, images.device());
  return ops::image::affine_transform(images, transform, options_.interpolation, options_.fill_mode,
                                      options_.fill_value);
}

Config RandomShear::get_config() const { return config_with_fields(*this, options_); }

std::shared_ptr<Layer> RandomShear::from_config(const Config& config) {
  return std::make_shared<RandomShear>(ConfigReader(config).options<RandomShearOptions>());
}

}  // namespace keras::layers
