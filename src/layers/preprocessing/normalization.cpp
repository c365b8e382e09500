#include "keras/layers/preprocessing/normalization.h"

#include <tuple>

#include "keras/autograd/gradient_tape.h"
#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"
#include "layers/normalization/normalization_internal.h"

namespace keras::layers {

using keras::detail::cat;

namespace {
constexpr double kEpsilon = 1e-7;  // Keras's backend.epsilon()

std::string array_string(const FloatArray& a) { return a.is_none() ? "None" : config_value(a).dump(); }
}  // namespace

Normalization::Normalization(NormalizationOptions o) : Concrete("Normalization", layer_args_of(o)), o_(std::move(o)) {
  o_.axis.is_list = true;  // Keras keeps the axes as a tuple, written as a list
  if (o_.mean.is_none() != o_.variance.is_none())
    fail(cat("When setting values directly, both `mean` and `variance` must be set. Received: mean=",
             array_string(o_.mean), " and variance=", array_string(o_.variance)));
  if (!o_.mean.is_none()) {
    if (o_.mean.shape != o_.variance.shape)
      fail(cat("When setting values directly, `mean` and `variance` must have the same shape. Received: mean shape ",
               Shape(o_.mean.shape).to_string(), " and variance shape ", Shape(o_.variance.shape).to_string()));
    if (o_.mean.shape.size() > o_.axis.values.size())
      fail(cat("The rank of `mean` must be less than or equal to the number of axes (", o_.axis.values.size(),
               "). Received: mean shape ", Shape(o_.mean.shape).to_string(), " for axis ",
               config_value(o_.axis).dump()));
  }
}

void Normalization::build(const Shape& input_shape) {
  const int64_t ndim = input_shape.rank();
  keep_ = detail::canonical_axes(o_.axis, input_shape, detail::layer_label(name(), class_name()));
  reduce_.clear();
  broadcast_shape_ = Shape(std::vector<int64_t>(static_cast<size_t>(ndim), 1));
  Shape stats_shape;
  for (int64_t d = 0, k = 0; d < ndim; ++d) {
    if (k < static_cast<int64_t>(keep_.size()) && keep_[static_cast<size_t>(k)] == d) {
      broadcast_shape_[static_cast<size_t>(d)] = input_shape[static_cast<size_t>(d)];
      stats_shape.push_back(input_shape[static_cast<size_t>(d)]);
      ++k;
    } else {
      reduce_.push_back(d);
    }
  }
  build_shape_ = input_shape;
  if (o_.mean.is_none()) {
    adapt_mean_ = add_weight("mean", stats_shape, "zeros", /*trainable=*/false);
    adapt_variance_ = add_weight("variance", stats_shape, "ones", false);
    count_ = add_weight("count", Shape{}, "zeros", false, {}, {}, DType::int32);
    return;
  }
  // Given statistics: their axes line up with the kept axes from the right, then broadcast.
  auto place = [&](const FloatArray& a, const char* what) {
    std::vector<float> values(a.values.begin(), a.values.end());
    Tensor t = Tensor::from_vector(values, Shape(a.shape), device()).astype(dtype());
    Shape expanded(std::vector<int64_t>(static_cast<size_t>(ndim), 1));
    for (size_t i = 1; i <= a.shape.size(); ++i)
      expanded[static_cast<size_t>(keep_[keep_.size() - i])] = a.shape[a.shape.size() - i];
    for (int64_t d = 0; d < ndim; ++d) {
      const int64_t e = expanded[static_cast<size_t>(d)], b = broadcast_shape_[static_cast<size_t>(d)];
      if (e != 1 && e != b)
        fail(cat("`", what, "` of shape ", Shape(a.shape).to_string(), " does not broadcast to the kept axes ",
                 config_value(o_.axis).dump(), " of an input of shape ", input_shape.to_string()));
    }
    return ops::broadcast_to(ops::reshape(t, expanded), broadcast_shape_);
  };
  mean_ = place(o_.mean, "mean");
  variance_ = place(o_.variance, "variance");
}

Tensor Normalization::mean() const {
  if (mean_.defined() || !adapt_mean_.defined()) return mean_;
  return ops::reshape(adapt_mean_, broadcast_shape_);
}

Tensor Normalization::variance() const {
  if (variance_.defined() || !adapt_variance_.defined()) return variance_;
  return ops::reshape(adapt_variance_, broadcast_shape_);
}

Tensor Normalization::call(const Tensor& x_in, const CallContext&) {
  const Tensor x = x_in.dtype() == compute_dtype() ? x_in : ops::cast(x_in, compute_dtype());
  const Tensor m = mean(), v = variance();
  const Tensor scale = ops::maximum(ops::sqrt(v), Tensor::full(Shape{}, kEpsilon, v.dtype(), v.device()));
  if (o_.invert) return ops::add(m, ops::multiply(x, scale));
  return ops::divide(ops::subtract(x, m), scale);
}

void Normalization::check_adapt_shape(const Shape& shape) const {
  bool ok = shape.rank() == build_shape_.rank();
  for (int64_t d : keep_)
    if (ok && shape[static_cast<size_t>(d)] != build_shape_[static_cast<size_t>(d)]) ok = false;
  if (!ok)
    fail(cat("The layer was built with input_shape=", build_shape_.to_string(),
             ", but adapt() is being called with data with an incompatible shape, data.shape=", shape.to_string()));
}

void Normalization::set_statistics(const Tensor& mean, const Tensor& variance) {
  adapt_mean_.assign(ops::reshape(mean, adapt_mean_.shape()));
  adapt_variance_.assign(ops::reshape(variance, adapt_variance_.shape()));
}

void Normalization::adapt(const Tensor& data) { adapt(TensorList{data}); }

void Normalization::adapt(const TensorList& batches) {
  if (batches.empty())
    fail("adapt() received an empty list of batches. Expected at least one batch, e.g. layer.adapt({x})");
  if (!o_.mean.is_none()) fail("adapt() cannot learn the statistics of a layer given `mean` and `variance`");
  for (const Tensor& b : batches)
    if (!b.defined() || b.rank() == 0)
      fail(cat("adapt() expects arrays of rank >= 1 (the first axis the batch); received shape ",
               b.defined() ? b.shape().to_string() : "(undefined)"));
  if (!built()) build_for({batches[0].shape()}, /*keep_batch_size=*/true);  // as Keras records it
  for (const Tensor& b : batches) check_adapt_shape(b.shape());

  autograd::NoGradGuard no_grad;
  // Keras's merge of batch statistics (the lack-of-fit sum of squares): each batch is
  // weighted by the number of values it reduces over.
  Tensor total_mean, total_var;
  double total_count = 0;
  for (const Tensor& raw : batches) {
    const Tensor b = (raw.dtype() == dtype() ? raw : ops::cast(raw, dtype())).to(device());
    Tensor batch_mean = b, batch_var = ops::zeros_like(b);  // nothing to reduce: each value is its own mean
    double batch_count = 1;
    if (!reduce_.empty()) {
      std::tie(batch_mean, batch_var) = ops::moments(b, reduce_);
      for (int64_t d : reduce_) batch_count *= static_cast<double>(b.dim(d));
    }
    if (!total_mean.defined()) {
      total_mean = batch_mean;
      total_var = batch_var;
      total_count = batch_count;
      continue;
    }
    total_count += batch_count;
    const double batch_weight = batch_count / total_count, existing_weight = 1.0 - batch_weight;
    const Tensor new_mean = ops::add(total_mean * existing_weight, batch_mean * batch_weight);
    total_var = ops::add(ops::add(total_var, ops::square(ops::subtract(total_mean, new_mean))) * existing_weight,
                         ops::add(batch_var, ops::square(ops::subtract(batch_mean, new_mean))) * batch_weight);
    total_mean = new_mean;
  }
  set_statistics(total_mean, total_var);
}

Config Normalization::get_config() const { return config_with_fields(*this, o_); }

std::shared_ptr<Layer> Normalization::from_config(const Config& config) {
  return std::make_shared<Normalization>(ConfigReader(config).options<NormalizationOptions>());
}

}  // namespace keras::layers
