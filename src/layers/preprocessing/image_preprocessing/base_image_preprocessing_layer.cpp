#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "layers/preprocessing/image_preprocessing/resize_internal.h"

namespace keras::layers {

using keras::detail::cat;

namespace {

std::string factor_text(const FloatOrList& f) {
  if (!f.is_list) return cat(f.values.at(0));
  std::string out = "(";
  for (size_t i = 0; i < f.values.size(); ++i) out += cat(i ? ", " : "", f.values[i]);
  return out + ")";
}

}  // namespace

BaseImagePreprocessingLayer::BaseImagePreprocessingLayer(std::string class_name, const LayerArgs& args,
                                                         const std::string& data_format, std::optional<uint64_t> seed)
    : Layer(std::move(class_name), args), data_format_(data_format), seeds_(seed) {
  if (const std::string bad = detail::bad_data_format_message(data_format_); !bad.empty()) fail(bad);
}

Shape BaseImagePreprocessingLayer::compute_output_shape(const Shape& s) {
  if (s.rank() != 3 && s.rank() != 4)
    fail(cat("Expected image tensor to have rank 3 (single image) or 4 (batch of images). Received: data.shape=",
             s.to_string()));
  const size_t h = static_cast<size_t>(s.rank()) - (data_format_ == "channels_last" ? 3 : 2);
  Shape out = s;
  const auto [height, width] = output_size(s[h], s[h + 1]);
  out[h] = height;
  out[h + 1] = width;
  return out;
}

Tensor BaseImagePreprocessingLayer::call(const Tensor& x, const CallContext& ctx) {
  const Shape out_shape = compute_output_shape(x.shape());  // checks the rank
  const Tensor images = is_floating(x.dtype()) ? x : ops::cast(x, dtype());
  if (!ctx.training && !transforms_at_inference()) return images;
  if (images.size() == 0) return Tensor::zeros(out_shape, images.dtype(), images.device());
  return detail::on_nhwc(images, data_format_ == "channels_first",
                         [&](const Tensor& b) { return transform_images(b); });
}

std::array<double, 2> BaseImagePreprocessingLayer::factor_range(const FloatOrList& factor, double bound_low,
                                                                double bound_high, const std::string& arg) const {
  const std::string message =
      cat("The `", arg, "` argument should be a number (or a list of two numbers) in the range [", bound_low, ", ",
          bound_high, "]. Received: ", arg, "=", factor_text(factor));
  const auto& v = factor.values;
  if (factor.is_list) {
    if (v.size() != 2 || !std::isfinite(v[0]) || !std::isfinite(v[1]) || v[0] > bound_high || v[1] < bound_low)
      fail(message);
    return {std::min(v[0], v[1]), std::max(v[0], v[1])};
  }
  if (v.size() != 1 || !(v[0] >= bound_low && v[0] <= bound_high)) fail(message);
  const double f = std::abs(v[0]);
  return {std::max(-f, bound_low), f};
}

std::array<double, 2> BaseImagePreprocessingLayer::signed_factor_range(const FloatOrList& factor,
                                                                       const std::string& arg, bool open_low) const {
  const auto bad = [&](double x) { return !(x <= 1.0 && (open_low ? x > -1.0 : x >= -1.0)); };
  const std::string message =
      cat("The `", arg, "` argument should be a number (or a list of two numbers) in the range ",
          open_low ? "(-1.0, 1.0]" : "[-1.0, 1.0]", ". Received: ", arg, "=", factor_text(factor));
  const auto& v = factor.values;
  if (factor.is_list) {
    if (v.size() != 2 || bad(v[0]) || bad(v[1])) fail(message);
    return {std::min(v[0], v[1]), std::max(v[0], v[1])};
  }
  if (v.size() != 1 || bad(v[0])) fail(message);
  return {-std::abs(v[0]), std::abs(v[0])};
}

std::array<double, 2> BaseImagePreprocessingLayer::value_range_of(const FloatOrList& r) const {
  if (!r.is_list || r.values.size() != 2 || !std::isfinite(r.values[0]) || !std::isfinite(r.values[1]) ||
      !(r.values[0] < r.values[1]))
    fail(
        cat("The `value_range` argument should be a list of two numbers (low, high) with low < high. Received: "
            "value_range=",
            factor_text(r)));
  return {r.values[0], r.values[1]};
}

void BaseImagePreprocessingLayer::check_choice(const std::string& arg, const std::string& value,
                                               const std::vector<std::string>& choices) const {
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) return;
  std::string list;
  for (const auto& c : choices) list += cat(list.empty() ? "" : ", ", "\"", c, "\"");
  fail(cat("Unknown `", arg, "` ", value, ". Expected one of (", list, ")."));
}

std::vector<double> BaseImagePreprocessingLayer::draw(int64_t n, double low, double high) {
  // Keras's ranges can come out reversed (RandomContrast's [1 - low, 1 + high]); numpy
  // then draws from (high, low].
  if (low > high) std::swap(low, high);
  return random::uniform(Shape{n}, low, high, seeds_.next(), Device::cpu()).to_vector<double>();
}

Tensor BaseImagePreprocessingLayer::per_image(const std::vector<double>& values, const Tensor& images) {
  const std::vector<float> f(values.begin(), values.end());
  const Tensor t = Tensor::from_vector<float>(f, Shape{static_cast<int64_t>(f.size()), 1, 1, 1}, images.device());
  return t.dtype() == images.dtype() ? t : ops::cast(t, images.dtype());
}

Tensor BaseImagePreprocessingLayer::select_images(const std::vector<bool>& pick, const Tensor& a, const Tensor& b) {
  if (std::none_of(pick.begin(), pick.end(), [](bool p) { return p; })) return a;
  if (std::all_of(pick.begin(), pick.end(), [](bool p) { return p; })) return b;
  const auto n = static_cast<int64_t>(pick.size());
  std::vector<int64_t> index(pick.size());
  for (int64_t i = 0; i < n; ++i) index[static_cast<size_t>(i)] = pick[static_cast<size_t>(i)] ? n + i : i;
  return ops::take_rows(ops::concatenate({a, b}, 0), Tensor::from_vector<int64_t>(index, Shape{n}, a.device()));
}

Tensor BaseImagePreprocessingLayer::transform_value_range(const Tensor& images, std::array<double, 2> from,
                                                          std::array<double, 2> to) {
  if (from == to) return images;
  const auto s = [&](double v) { return Tensor::scalar(v, images.dtype(), images.device()); };
  const Tensor unit = ops::divide(ops::subtract(images, s(from[0])), s(from[1] - from[0]));
  return ops::add(ops::multiply(unit, s(to[1] - to[0])), s(to[0]));
}

Tensor BaseImagePreprocessingLayer::affine_matrices(const std::vector<AffineParams>& params, int64_t height,
                                                    int64_t width, const Tensor& like) {
  // M = scale * shear * rotation about the centre, then the translation (Keras's formulas).
  const double deg = std::numbers::pi / 180.0;
  std::vector<float> m;
  for (const AffineParams& p : params) {
    const double cx = p.center_x * static_cast<double>(width - 1), cy = p.center_y * static_cast<double>(height - 1);
    const double cos_t = std::cos(p.angle * deg), sin_t = std::sin(p.angle * deg);
    const double shx = std::tan(p.shear_x * deg), shy = std::tan(p.shear_y * deg);
    const double a0 = p.scale * (cos_t + shx * sin_t), a1 = p.scale * (-sin_t + shx * cos_t);
    const double b0 = p.scale * (shy * cos_t + sin_t), b1 = p.scale * (shy * -sin_t + cos_t);
    const double a2 = p.translate_x + cx - cx * a0 - cy * a1, b2 = p.translate_y + cy - cx * b0 - cy * b1;
    for (double v : {a0, a1, a2, b0, b1, b2, 0.0, 0.0}) m.push_back(static_cast<float>(v));
  }
  return Tensor::from_vector<float>(m, Shape{static_cast<int64_t>(params.size()), 8}, like.device());
}

ColorFactorLayer::ColorFactorLayer(std::string class_name, const FloatOrList& factor, ColorAugmentationOptions o,
                                   std::array<double, 2> factor_bounds, bool sort_value_range)
    : BaseImagePreprocessingLayer(std::move(class_name), layer_args_of(o), o.data_format, o.seed),
      factor_(factor_range(factor, factor_bounds[0], factor_bounds[1])),
      options_(std::move(o)) {
  if (sort_value_range && options_.value_range.is_list)
    std::sort(options_.value_range.values.begin(), options_.value_range.values.end());
  value_range_ = value_range_of(options_.value_range);
}

Config ColorFactorLayer::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["factor"] = config_value(FloatOrList{factor_[0], factor_[1]});
  write_fields(c, options_, this);
  return c;
}

}  // namespace keras::layers
