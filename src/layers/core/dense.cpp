#include "keras/layers/core/dense.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/math.h"

namespace keras::layers {

Dense::Dense(int64_t units, DenseOptions options)
    : Concrete("Dense", layer_args_of(options)),
      units_(units),
      options_(std::move(options)) {
  if (units <= 0)
    fail(detail::cat("Received an invalid value for `units`, expected a positive integer. Received: units=", units));
  input_spec_.min_ndim = 2;
  set_activity_regularizer(options_.activity_regularizer);
}

Dense::Dense(int64_t units, activations::Activation activation, DenseOptions options)
    : Dense(units, [&] {
        options.activation = std::move(activation);
        return std::move(options);
      }()) {}

void Dense::build(const Shape& input_shape) {
  const int64_t input_dim = input_shape.dim(-1);
  if (input_dim == kNone)
    fail(detail::cat("The last dimension of the input to Dense must be known; received shape ",
                     input_shape.to_string()));
  kernel_ = add_weight("kernel", Shape{input_dim, units_}, options_.kernel_initializer, true, options_.kernel_regularizer,
                       options_.kernel_constraint);
  if (options_.use_bias)
    bias_ = add_weight("bias", Shape{units_}, options_.bias_initializer, true, options_.bias_regularizer,
                       options_.bias_constraint);
  input_spec_.axes = {{-1, input_dim}};
}

Tensor Dense::call(const Tensor& x, const CallContext&) {
  Tensor y = ops::matmul(x, kernel_);
  if (options_.use_bias) y = ops::add(y, bias_);
  return options_.activation(y);
}

Shape Dense::compute_output_shape(const Shape& input_shape) {
  Shape s = input_shape;
  s[s.size() - 1] = units_;
  return s;
}

Config Dense::get_config() const {
  Config c = Layer::get_config();
  c["units"] = units_;
  write_fields(c, options_, this);
  c["quantization_config"] = nullptr;
  return c;
}

std::shared_ptr<Layer> Dense::from_config(const Config& config) {
  ConfigReader r(config);
  r.reject({"quantization_config", "lora_rank"});
  return std::make_shared<Dense>(r.required<int64_t>("units"), r.options<DenseOptions>());
}

}  // namespace keras::layers
