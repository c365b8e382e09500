#include "keras/layers/reshaping/repeat_vector.h"
#include "keras/layers/layer_config.h"

#include "keras/ops/core.h"

namespace keras::layers {

RepeatVector::RepeatVector(int64_t n, RepeatVectorOptions o)
    : Concrete("RepeatVector", layer_args_of(o)), n_(n) {
  if (n <= 0) fail(detail::cat("Expected `n` to be a positive integer. Received: n=", n));
  input_spec_.ndim = 2;
}

Shape RepeatVector::compute_output_shape(const Shape& s) { return Shape{s[0], n_, s[1]}; }

Tensor RepeatVector::call(const Tensor& x, const CallContext&) {
  return ops::broadcast_to(ops::expand_dims(x, 1), Shape{x.dim(0), n_, x.dim(1)});
}

Config RepeatVector::get_config() const { return config_with(*this, "n", n_); }

std::shared_ptr<Layer> RepeatVector::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<RepeatVector, int64_t>("n");
}

}  // namespace keras::layers
