#include "keras/layers/core/lambda.h"

#include "keras/autograd/gradient_tape.h"

namespace keras::layers {

Lambda::Lambda(Fn function, LambdaOptions o)
    : Concrete("Lambda", LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}), fn_(std::move(function)), o_(std::move(o)) {
  if (!fn_) fail("Lambda needs a function");
}

Tensor Lambda::call(const Tensor& x, const CallContext&) { return fn_(x); }

Shape Lambda::compute_output_shape(const Shape& s) {
  if (o_.output_shape) return o_.output_shape->with_batch(s[0]);
  // Run the function on a zero batch of one to see the shape it produces.
  Shape probe;
  for (int64_t v : s) probe.push_back(v == kNone ? 1 : v);
  autograd::NoGradGuard no_grad;
  Shape out = fn_(Tensor::zeros(probe, dtype())).shape();
  if (out.rank() > 0 && s.rank() > 0) out[0] = s[0];
  return out;
}

}  // namespace keras::layers
