#include "keras/layers/activations/elu.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/nn.h"

namespace keras::layers {

ELU::ELU(ELUOptions o) : Concrete("ELU", layer_args_of(o)), o_(std::move(o)) {}

Tensor ELU::call(const Tensor& x, const CallContext&) { return ops::elu(x, o_.alpha); }

Config ELU::get_config() const {
  // ELU defines no get_config in Keras: its automatic config puts the constructor's
  // arguments right after the name.
  Config c = Config::object();
  c["name"] = name();
  write_fields(c, o_, this);
  const Config base = Layer::get_config();
  for (const auto& [key, value] : base.items()) c[key] = value;
  return c;
}

}  // namespace keras::layers
