#include "keras/layers/activations/prelu.h"
#include "keras/layers/layer_config.h"

#include <algorithm>

#include "keras/ops/math.h"
#include "keras/ops/nn.h"

namespace keras::layers {

using keras::detail::cat;

PReLU::PReLU(PReLUOptions o) : Concrete("PReLU", layer_args_of(o)), o_(std::move(o)) {
  for (int64_t a : o_.shared_axes)
    if (a < 1) fail(cat("shared_axes are 1-based axes of the input (the batch axis cannot be shared); received ", a));
}

void PReLU::build(const Shape& input_shape) {
  Shape param = input_shape.slice(1);
  for (int64_t a : o_.shared_axes) {
    if (a >= input_shape.rank())
      fail(cat("shared_axes value ", a, " is out of range for input shape ", input_shape.to_string()));
    param[static_cast<size_t>(a - 1)] = 1;
  }
  for (int64_t d : param)
    if (d == kNone) fail(cat("PReLU needs the input dimensions it learns alphas for; received ", input_shape.to_string()));
  alpha_ = add_weight("alpha", param, o_.alpha_initializer, true, o_.alpha_regularizer, o_.alpha_constraint);
  input_spec_.ndim = input_shape.rank();
  for (int64_t i = 1; i < input_shape.rank(); ++i)
    if (std::find(o_.shared_axes.begin(), o_.shared_axes.end(), i) == o_.shared_axes.end())
      input_spec_.axes[i] = input_shape[static_cast<size_t>(i)];
}

Tensor PReLU::call(const Tensor& x, const CallContext&) {
  // Keras: relu(x) - alpha * relu(-x)
  return ops::subtract(ops::relu(x), ops::multiply(alpha_, ops::relu(ops::negative(x))));
}

Config PReLU::get_config() const { return config_with_fields(*this, o_); }

}  // namespace keras::layers
