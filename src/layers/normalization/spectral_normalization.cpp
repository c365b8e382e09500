#include "keras/layers/normalization/spectral_normalization.h"

#include "keras/autograd/gradient_tape.h"
#include "keras/layers/layer_config.h"
#include "keras/layers/registry.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"

namespace keras::layers {

using keras::detail::cat;

SpectralNormalization::SpectralNormalization(LayerHandle layer, SpectralNormalizationOptions o)
    : Concrete("SpectralNormalization", layer_args_of(o)), layer_(layer.ptr()), o_(std::move(o)) {
  if (!layer_) fail("SpectralNormalization needs a layer to wrap");
  if (o_.power_iterations <= 0)
    fail(cat("`power_iterations` should be greater than zero. Received: `power_iterations=", o_.power_iterations, "`"));
  track_layer(layer_);
}

void SpectralNormalization::build(const Shape& input_shape) {
  if (!layer_->built()) layer_->build_for({input_shape});
  for (const auto& w : layer_->own_weights())
    if (w.name() == "kernel") kernel_ = w;
  if (!kernel_.defined())
    for (const auto& w : layer_->own_weights())
      if (w.name() == "embeddings") kernel_ = w;
  if (!kernel_.defined()) fail(cat(layer_->class_name(), " object has no attribute 'kernel' nor 'embeddings'"));
  if (kernel_.shape().rank() < 1) fail(cat("the kernel of layer \"", layer_->name(), "\" is a scalar"));
  // Keras's `self.kernel = self.layer.kernel` makes the kernel one of this layer's own
  // variables (saved in its vars, first), before vector_u.
  track_weight(kernel_);
  vector_u_ = add_weight("vector_u", Shape{1, kernel_.shape().dims().back()}, initializers::TruncatedNormal(0.0, 0.02),
                         /*trainable=*/false, {}, {}, kernel_.dtype());
  input_spec_.min_ndim = 1;
  if (input_shape.rank() > 0 && input_shape.dims().back() != kNone)
    input_spec_.axes = {{-1, input_shape.dims().back()}};
}

std::pair<Tensor, Tensor> SpectralNormalization::normalized_weights() const {
  autograd::NoGradGuard no_grad;
  const Shape& kernel_shape = kernel_.shape();
  const Tensor w = ops::reshape(kernel_.value(), Shape{-1, kernel_shape.dims().back()});
  Tensor u = vector_u_.value(), v;
  for (int64_t i = 0; i < o_.power_iterations; ++i) {
    v = ops::normalize(ops::matmul(u, ops::transpose(w)), /*axes=*/{});
    u = ops::normalize(ops::matmul(v, w), {});
  }
  const Tensor sigma = ops::matmul(ops::matmul(v, w), ops::transpose(u));  // (1, 1)
  return {u, ops::reshape(ops::divide(w, sigma), kernel_shape)};
}

Tensor SpectralNormalization::call(const Tensor& x, const CallContext& ctx) {
  if (ctx.training) {
    autograd::NoGradGuard no_grad;
    const bool all_zero = ops::all(ops::equal(kernel_.value(), ops::zeros_like(kernel_.value()))).item<bool>();
    if (!all_zero) {
      auto [u, kernel] = normalized_weights();
      vector_u_.assign(u);
      kernel_.assign(kernel);
    }
  }
  CallContext inner;
  inner.training = ctx.training;
  return (*layer_)(TensorList{x}, inner).at(0);
}

Shape SpectralNormalization::compute_output_shape(const Shape& input_shape) {
  return layer_->compute_output_shape(std::vector<Shape>{input_shape}).at(0);
}

Config SpectralNormalization::get_config() const {
  Config c = Layer::get_config();
  c["layer"] = serialize(*layer_);
  write_fields(c, o_, this);
  return c;
}

std::shared_ptr<Layer> SpectralNormalization::from_config(const Config& config) {
  ConfigReader r(config);
  return std::make_shared<SpectralNormalization>(LayerHandle(deserialize(r.need("layer"))),
                                                 r.options<SpectralNormalizationOptions>());
}

}  // namespace keras::layers
