#include "keras/layers/rnn/gru.h"

#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "layers/rnn/rnn_config.h"

namespace keras::layers {

GRUCell::GRUCell(int64_t units, GRUOptions o)
    : Concrete("GRUCell", RecurrentCellArgs{units, o.dropout, o.recurrent_dropout, o.seed},
               LayerArgs{.name = o.name, .dtype = o.dtype, .trainable = o.trainable}),
      options_(std::move(o)) {
  if (sets_layer_arguments(options_))
    fail("GRUCell takes only the cell's arguments: return_sequences, return_state, go_backwards, stateful, "
         "unroll, zero_output_for_mask, input_shape and activity_regularizer belong to the GRU layer");
}

void GRUCell::build(const Shape& input_shape) {
  const int64_t u = units();
  kernel_ = add_weight("kernel", Shape{input_shape.dim(-1), 3 * u}, options_.kernel_initializer, true,
                       options_.kernel_regularizer, options_.kernel_constraint);
  recurrent_kernel_ = add_weight("recurrent_kernel", Shape{u, 3 * u}, options_.recurrent_initializer, true,
                                 options_.recurrent_regularizer, options_.recurrent_constraint);
  if (options_.use_bias)
    bias_ = add_weight("bias", options_.reset_after ? Shape{2, 3 * u} : Shape{3 * u}, options_.bias_initializer, true,
                       options_.bias_regularizer, options_.bias_constraint);
}

Tensor GRUCell::project_inputs(const Tensor& x) const {
  const Tensor m = ops::matmul(x, kernel_);
  if (!options_.use_bias) return m;
  return ops::add(m, options_.reset_after ? ops::squeeze(ops::slice_rows(bias_.value(), 0, 1), 0) : bias_.value());
}

TensorList GRUCell::step(const Tensor& projected, const TensorList& states, const DropoutMasks& masks) const {
  const int64_t u = units();
  const Tensor& h_prev = states[0];
  const Tensor h_in = masks.recurrent.defined() ? ops::multiply(h_prev, masks.recurrent) : h_prev;
  const TensorList x = ops::split(projected, {u, u, u}, -1);
  const auto& ra = options_.recurrent_activation;
  Tensor z, hh;
  if (options_.reset_after) {
    Tensor inner = ops::matmul(h_in, recurrent_kernel_);
    if (options_.use_bias) inner = ops::add(inner, ops::squeeze(ops::slice_rows(bias_.value(), 1, 2), 0));
    const TensorList r_ = ops::split(inner, {u, u, u}, -1);
    z = ra(ops::add(x[0], r_[0]));
    const Tensor r = ra(ops::add(x[1], r_[1]));
    hh = options_.activation(ops::add(x[2], ops::multiply(r, r_[2])));
  } else {
    const TensorList k = ops::split(recurrent_kernel_.value(), {2 * u, u}, -1);
    const TensorList zr = ops::split(ops::matmul(h_in, k[0]), {u, u}, -1);
    z = ra(ops::add(x[0], zr[0]));
    const Tensor r = ra(ops::add(x[1], zr[1]));
    hh = options_.activation(ops::add(x[2], ops::matmul(ops::multiply(r, h_in), k[1])));
  }
  // h = z * h_prev + (1 - z) * hh, written as hh + z * (h_prev - hh).
  const Tensor h = ops::add(hh, ops::multiply(z, ops::subtract(h_prev, hh)));
  return {h, h};
}

FusedRecurrence GRUCell::fused() const {
  return options_.reset_after && options_.activation.is_builtin("tanh") &&
                 options_.recurrent_activation.is_builtin("sigmoid")
             ? FusedRecurrence::gru
             : FusedRecurrence::none;
}

Tensor GRUCell::fused_bias() const {
  const int64_t u = units();
  if (!options_.use_bias) return Tensor::zeros(Shape{4 * u}, compute_dtype(), kernel_.device());
  const TensorList rows = ops::unstack(bias_.value(), 0);  // input, recurrent
  const TensorList in = ops::split(rows[0], {2 * u, u}, 0), rec = ops::split(rows[1], {2 * u, u}, 0);
  return ops::concatenate({ops::add(in[0], rec[0]), in[1], rec[1]}, 0);
}

GRU::GRU(int64_t units, GRUOptions o)
    : Concrete("GRU",
               std::make_shared<GRUCell>(units, cell_options_of(o, "gru_cell")), rnn_options_of(o)) {
  set_activity_regularizer(o.activity_regularizer);
}

// Keras writes one flat dict for the layer and the cell (src/layers/rnn/rnn_config.h).
Config GRUCell::get_config() const { return cell_config(*this, options_); }
std::shared_ptr<Layer> GRUCell::from_config(const Config& c) { return ConfigReader(c).make<GRUCell, int64_t>("units"); }
Config GRU::get_config() const { return recurrent_layer_config(*this, gru_cell().options()); }
std::shared_ptr<Layer> GRU::from_config(const Config& c) { return recurrent_layer_from_config<GRU>(c); }

}  // namespace keras::layers
