#include "keras/layers/normalization/batch_normalization.h"

#include "keras/autograd/gradient_tape.h"
#include "keras/autograd/node.h"
#include "keras/distribution/distribution.h"
#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "ops/fused.h"

namespace keras::layers {

using keras::detail::cat;

namespace {
/// Keras 3: moving = moving * momentum + batch * (1 - momentum), the batch variance biased.
void update_moving_statistics(Variable& moving_mean, Variable& moving_variance, double momentum, const Tensor& mean,
                              const Tensor& variance) {
  autograd::NoGradGuard no_grad;
  moving_mean.assign(ops::add(moving_mean.value() * momentum, ops::reshape(mean.detach(), {-1}) * (1.0 - momentum)));
  moving_variance.assign(
      ops::add(moving_variance.value() * momentum, ops::reshape(variance.detach(), {-1}) * (1.0 - momentum)));
}
/// The sum of `t` over the processes training together, differentiable: each process's
/// output depends on every process's input, so the gradient is summed the same way.
Tensor all_reduce_sum(const Tensor& t, const std::shared_ptr<distribution::Distribution>& dist) {
  Tensor out = dist->all_reduce_sum(t.detach());
  if (autograd::should_record({&t}))
    autograd::record("AllReduceSum", {t}, {&out}, [dist](const TensorList& g, const std::vector<bool>&) {
      return TensorList{dist->all_reduce_sum(g[0])};
    });
  return out;
}
}  // namespace

BatchNormalization::BatchNormalization(BatchNormalizationOptions o)
    : Concrete("BatchNormalization", layer_args_of(o)), o_(std::move(o)) {
  if (!(o_.epsilon > 0)) fail(cat("Invalid value for argument `epsilon`: expected a positive number, got ", o_.epsilon));
  set_momentum(o_.momentum);
}

void BatchNormalization::set_momentum(double momentum) {
  if (!(momentum >= 0 && momentum <= 1))
    fail(cat("Invalid value for argument `momentum`: expected a value in [0, 1], got ", momentum));
  o_.momentum = momentum;
}

void BatchNormalization::build(const Shape& input_shape) {
  axis_ = normalize_axis(o_.axis, input_shape.rank(), "BatchNormalization axis");
  const int64_t n = input_shape[static_cast<size_t>(axis_)];
  if (n == kNone)
    fail(cat("Axis ", o_.axis, " of the input should have a defined dimension; received shape ", input_shape.to_string()));
  if (o_.scale) gamma_ = add_weight("gamma", Shape{n}, o_.gamma_initializer, true, o_.gamma_regularizer, o_.gamma_constraint);
  if (o_.center) beta_ = add_weight("beta", Shape{n}, o_.beta_initializer, true, o_.beta_regularizer, o_.beta_constraint);
  moving_mean_ = add_weight("moving_mean", Shape{n}, o_.moving_mean_initializer, /*trainable=*/false);
  moving_variance_ = add_weight("moving_variance", Shape{n}, o_.moving_variance_initializer, /*trainable=*/false);
  // Keras opts BatchNormalization out of mixed precision (16-bit statistics overflow):
  // its weights are read as stored and call() computes in float32 at least.
  for (Variable* v : {&gamma_, &beta_, &moving_mean_, &moving_variance_})
    if (v->defined()) v->set_autocast(false);
  input_spec_.ndim = input_shape.rank();
  input_spec_.axes = {{axis_, n}};
}

Tensor BatchNormalization::call(const Tensor& x_in, const CallContext& ctx) {
  const bool narrow = x_in.dtype() == DType::bfloat16 || x_in.dtype() == DType::float16;
  const Tensor x = narrow ? ops::cast(x_in, DType::float32) : x_in;
  const bool training = ctx.training && trainable();
  const auto is_f32 = [](const Variable& v) { return !v.defined() || v.value().dtype() == DType::float32; };
  const auto dist = o_.synchronized && training ? distribution::distribution() : nullptr;
  const bool synchronized = dist && dist->num_replicas() > 1;
  if (!synchronized && ops::detail::batch_norm_fusable(x, axis_) && is_f32(gamma_) && is_f32(beta_) &&
      is_f32(moving_mean_) && is_f32(moving_variance_)) {
    // One kernel each way (channels last); the same numbers as the composition below.
    auto out = ops::detail::batch_norm(x, o_.scale ? gamma_.value() : Tensor(), o_.center ? beta_.value() : Tensor(),
                                       moving_mean_.value(), moving_variance_.value(), o_.epsilon, training);
    if (training) update_moving_statistics(moving_mean_, moving_variance_, o_.momentum, out.mean, out.variance);
    return narrow ? ops::cast(out.y, x_in.dtype()) : out.y;
  }

  // Composed from ops. Statistics are (n,) vectors broadcast along `axis`: shape (1, .., n, .., 1).
  Shape stat_shape(std::vector<int64_t>(static_cast<size_t>(x.rank()), 1));
  stat_shape[static_cast<size_t>(axis_)] = x.dim(axis_);
  std::vector<int64_t> reduce;
  for (int64_t d = 0; d < x.rank(); ++d)
    if (d != axis_) reduce.push_back(d);
  Tensor mean, variance;
  if (synchronized) {
    // The global batch's statistics: sums over every process's rows.
    const double local_count = static_cast<double>(x.size() / x.dim(axis_));
    const double count = dist->all_reduce_sum(Tensor::scalar(local_count, DType::float64)).item<double>();
    mean = all_reduce_sum(ops::sum(x, reduce, true), dist) / count;
    variance = all_reduce_sum(ops::sum(ops::square(ops::subtract(x, mean)), reduce, true), dist) / count;
    update_moving_statistics(moving_mean_, moving_variance_, o_.momentum, mean, variance);
  } else if (training) {
    mean = ops::mean(x, reduce, /*keepdims=*/true);
    variance = ops::mean(ops::square(ops::subtract(x, mean)), reduce, true);
    update_moving_statistics(moving_mean_, moving_variance_, o_.momentum, mean, variance);
  } else {
    mean = ops::reshape(moving_mean_, stat_shape);
    variance = ops::reshape(moving_variance_, stat_shape);
  }
  Tensor inv = ops::rsqrt(ops::add(variance, Tensor::full(Shape{}, o_.epsilon, x.dtype(), x.device())));
  if (o_.scale) inv = ops::multiply(inv, ops::reshape(gamma_, stat_shape));
  Tensor y = ops::multiply(ops::subtract(x, mean), inv);
  if (o_.center) y = ops::add(y, ops::reshape(beta_, stat_shape));
  return narrow ? ops::cast(y, x_in.dtype()) : y;
}

Config BatchNormalization::get_config() const {
  Config c = config_with_fields(*this, o_);
  // Keras 3's arguments this layer does not have, at their defaults.
  c["renorm"] = false;
  c["renorm_clipping"] = nullptr;
  c["renorm_momentum"] = 0.99;
  return c;
}

std::shared_ptr<Layer> BatchNormalization::from_config(const Config& config) {
  ConfigReader r(config);
  r.reject({"renorm_clipping"});
  if (r.get<bool>("renorm", false)) r.fail("renorm is not supported");
  return std::make_shared<BatchNormalization>(r.options<BatchNormalizationOptions>());
}

}  // namespace keras::layers
