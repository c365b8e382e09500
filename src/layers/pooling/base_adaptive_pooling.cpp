#include "keras/layers/pooling/base_adaptive_pooling.h"

#include <numeric>

#include "keras/layers/layer_config.h"
#include "keras/layers/pooling/adaptive_average_pooling1d.h"
#include "keras/layers/pooling/adaptive_average_pooling2d.h"
#include "keras/layers/pooling/adaptive_average_pooling3d.h"
#include "keras/layers/pooling/adaptive_max_pooling1d.h"
#include "keras/layers/pooling/adaptive_max_pooling2d.h"
#include "keras/layers/pooling/adaptive_max_pooling3d.h"
#include "keras/ops/core.h"
#include "keras/ops/nn.h"

namespace keras::layers {

using keras::detail::cat;

namespace {

/// (0, 2, 3, ..., rank - 1, 1): channels-first to channels-last, and its inverse.
std::vector<int64_t> to_last(int64_t rank) {
  std::vector<int64_t> p{0};
  for (int64_t i = 2; i < rank; ++i) p.push_back(i);
  p.push_back(1);
  return p;
}
std::vector<int64_t> to_first(int64_t rank) {
  std::vector<int64_t> p{0, rank - 1};
  for (int64_t i = 1; i + 1 < rank; ++i) p.push_back(i);
  return p;
}

/// Python's tuple text, negative values included: (0, 2), (-1,).
std::string tuple_text(const std::vector<int64_t>& v) {
  std::string s = "(";
  for (size_t i = 0; i < v.size(); ++i) s += cat(i ? ", " : "", v[i]);
  return s + (v.size() == 1 ? ",)" : ")");
}

Shape out_shape_of(Shape s, int64_t axis, int64_t out) {
  s[static_cast<size_t>(axis)] = out;
  return s;
}

}  // namespace

BaseAdaptivePooling::BaseAdaptivePooling(std::string class_name, bool max, std::vector<int64_t> output_size,
                                         AdaptivePoolingOptions o)
    : Layer(std::move(class_name), layer_args_of(o)),
      max_(max),
      output_size_(std::move(output_size)),
      options_(std::move(o)) {
  for (int64_t v : output_size_)
    if (v <= 0)
      fail(cat("The `output_size` argument must be positive integers. Received: output_size=",
               tuple_text(output_size_)));
  if (options_.data_format != "channels_last" && options_.data_format != "channels_first")
    fail(cat("Invalid data_format: ", options_.data_format, ". Expected 'channels_first' or 'channels_last'."));
  input_spec_.ndim = static_cast<int64_t>(output_size_.size()) + 2;
}

Tensor BaseAdaptivePooling::pool_axis(const Tensor& x, int64_t axis, int64_t out) const {
  const int64_t in = x.dim(axis);
  if (in == out) return x;  // windows of one cell
  // Keras's arithmetic: every window has `small` or `small + 1` cells. Pool with both
  // sizes at stride 1 along the axis, then pick each output cell's window by its start.
  const int64_t small = (in + out - 1) / out, big = small + 1;
  std::vector<int64_t> pick(static_cast<size_t>(out));
  bool any_big = false;
  for (int64_t i = 0; i < out; ++i) {
    const int64_t start = i * in / out, end = ((i + 1) * in + out - 1) / out;
    const bool is_big = end - start == big;
    any_big = any_big || is_big;
    pick[static_cast<size_t>(i)] = is_big ? start + (in - small + 1) : start;
  }
  const Shape& s = x.shape();
  int64_t lead = 1, trail = 1;
  for (int64_t i = 0; i < axis; ++i) lead *= s[static_cast<size_t>(i)];
  for (int64_t i = axis + 1; i < x.rank(); ++i) trail *= s[static_cast<size_t>(i)];
  const Tensor flat = ops::reshape(x, {lead, in, trail});  // the axis as a 1-D pooling's steps
  auto pool = [&](int64_t window) {
    return max_ ? ops::max_pool(flat, {window}, {1}, "valid") : ops::average_pool(flat, {window}, {1}, "valid");
  };
  Tensor pooled = pool(small);
  if (any_big) pooled = ops::concatenate({pooled, pool(big)}, 1);
  std::vector<int64_t> identity(static_cast<size_t>(pooled.dim(1)));
  std::iota(identity.begin(), identity.end(), 0);
  if (pick == identity) return ops::reshape(pooled, out_shape_of(s, axis, out));
  const Tensor index = Tensor::from_vector(pick, Shape{out}, x.device());
  const Tensor picked = ops::transpose(ops::take_rows(ops::transpose(pooled, {1, 0, 2}), index), {1, 0, 2});
  return ops::reshape(picked, out_shape_of(s, axis, out));
}

Tensor BaseAdaptivePooling::call(const Tensor& x, const CallContext&) {
  const bool first = options_.data_format == "channels_first";
  Tensor y = first ? ops::transpose(x, to_last(x.rank())) : x;
  if (y.size() == 0) {  // nothing to pool (an empty batch or channel axis)
    Shape out_shape = y.shape();
    for (size_t i = 0; i < output_size_.size(); ++i) out_shape[i + 1] = output_size_[i];
    y = Tensor::zeros(out_shape, y.dtype(), y.device());
  } else {
    for (size_t i = 0; i < output_size_.size(); ++i) y = pool_axis(y, static_cast<int64_t>(i) + 1, output_size_[i]);
  }
  return first ? ops::transpose(y, to_first(y.rank())) : y;
}

Shape BaseAdaptivePooling::compute_output_shape(const Shape& s) {
  const auto rank = static_cast<int64_t>(output_size_.size()) + 2;
  if (s.rank() != rank) fail(cat("Expected an input of rank ", rank, ", got shape ", s.to_string()));
  Shape out{s[0]};
  const bool first = options_.data_format == "channels_first";
  if (first) out.push_back(s[1]);
  for (int64_t v : output_size_) out.push_back(v);
  if (!first) out.push_back(s.back());
  return out;
}

Config BaseAdaptivePooling::get_config() const {
  Config c = Layer::get_config();
  c["output_size"] = output_size_;
  write_fields(c, options_, this);
  return c;
}

template <class Leaf, size_t N>
std::shared_ptr<Layer> BaseAdaptivePooling::from_config_of(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<Leaf>(r.required<SizeN<N>>("output_size"), r.options<AdaptivePoolingOptions>());
}
template std::shared_ptr<Layer> BaseAdaptivePooling::from_config_of<AdaptiveAveragePooling1D, 1>(const Config&);
template std::shared_ptr<Layer> BaseAdaptivePooling::from_config_of<AdaptiveAveragePooling2D, 2>(const Config&);
template std::shared_ptr<Layer> BaseAdaptivePooling::from_config_of<AdaptiveAveragePooling3D, 3>(const Config&);
template std::shared_ptr<Layer> BaseAdaptivePooling::from_config_of<AdaptiveMaxPooling1D, 1>(const Config&);
template std::shared_ptr<Layer> BaseAdaptivePooling::from_config_of<AdaptiveMaxPooling2D, 2>(const Config&);
template std::shared_ptr<Layer> BaseAdaptivePooling::from_config_of<AdaptiveMaxPooling3D, 3>(const Config&);

}  // namespace keras::layers
