#include "keras/ops/rnn.h"

#include "ops/ops_internal.h"

namespace keras::ops {

using autograd::record;
using autograd::should_record;
using keras::detail::cat;

bool has_fused_recurrence(Device device) {
  return backend::backend_for(device).supports(backend::Op::recurrence_forward, DType::float32);
}

TensorList fused_recurrence(RecurrenceKind kind, const Tensor& x, const TensorList& states, const Tensor& kernel,
                            const Tensor& recurrent_kernel, const Tensor& bias, bool reverse) {
  if (kind == RecurrenceKind::none) throw ValueError("fused_recurrence: no fused kernel for this cell");
  const bool lstm = kind == RecurrenceKind::lstm;
  for (const Tensor* t : {&x, &kernel, &recurrent_kernel, &bias}) {
    detail::require_float(*t, "fused_recurrence");
    detail::require_same_dtype(x, *t, "fused_recurrence");
  }
  detail::check_same_device("fused_recurrence", {&x, &kernel, &recurrent_kernel, &bias});
  for (const Tensor& s : states) detail::check_same_device("fused_recurrence", {&x, &s});
  if (x.rank() != 3) throw ValueError(cat("fused_recurrence: x must be (batch, time, features); got ", x.shape().to_string()));
  backend::RecurrenceGeometry g{kind, x.dim(0), x.dim(1), x.dim(2), recurrent_kernel.dim(0), reverse};
  const int64_t gates = g.gates(), u = g.units;
  const int64_t bias_size = (kind == RecurrenceKind::gru ? 4 : gates) * u;
  if (kernel.shape() != Shape{g.features, gates * u} || recurrent_kernel.shape() != Shape{u, gates * u} ||
      bias.shape() != Shape{bias_size})
    throw ValueError(cat("fused_recurrence: weights ", kernel.shape().to_string(), ", ", recurrent_kernel.shape().to_string(),
                         ", ", bias.shape().to_string(), " do not fit ", gates, " gates of ", u, " units on ",
                         g.features, " features"));
  if (states.size() != (lstm ? 2u : 1u))
    throw ValueError(cat("fused_recurrence: expected ", lstm ? 2 : 1, " states, got ", states.size()));
  for (const Tensor& s : states)
    if (s.shape() != Shape{g.batch, u})
      throw ValueError(cat("fused_recurrence: a state has shape ", s.shape().to_string(), "; expected (", g.batch, ", ", u, ")"));

  const Tensor h0 = states[0], c0 = lstm ? states[1] : Tensor();
  Tensor y = detail::empty_like(x, Shape{g.batch, g.steps, u}, x.dtype());
  Tensor h_t = detail::empty_like(x, Shape{g.batch, u}, x.dtype());
  Tensor c_t = lstm ? detail::empty_like(x, Shape{g.batch, u}, x.dtype()) : Tensor();
  TensorList inputs{x, h0};
  if (lstm) inputs.push_back(c0);
  inputs.insert(inputs.end(), {kernel, recurrent_kernel, bias});
  const bool recording = should_record(inputs);
  auto& be = backend::backend_for(x);
  auto ws = be.recurrence_forward(g, x, h0, c0, kernel, recurrent_kernel, bias, y, h_t, c_t, recording);
  if (recording) {
    std::vector<Tensor*> outs{&y, &h_t};
    if (lstm) outs.push_back(&c_t);
    record("fused_recurrence", inputs, outs, [g, ws, lstm, bias_shape = bias.shape(), kshape = kernel.shape(),
                                              rshape = recurrent_kernel.shape()](const TensorList& go,
                                                                                 const std::vector<bool>&) {
      auto& b = backend::backend_for(go[0]);
      const Shape state{g.batch, g.units};
      const Device d = go[0].device();
      const DType t = go[0].dtype();
      Tensor dx = Tensor::empty(Shape{g.batch, g.steps, g.features}, t, d);
      Tensor dh0 = Tensor::empty(state, t, d);
      Tensor dc0 = lstm ? Tensor::empty(state, t, d) : Tensor();
      Tensor dk = Tensor::empty(kshape, t, d), dr = Tensor::empty(rshape, t, d);
      Tensor db = Tensor::empty(bias_shape, t, d);
      b.recurrence_backward(g, *ws, go[0], go[1], lstm ? go[2] : Tensor(), dx, dh0, dc0, dk, dr, db);
      TensorList grads{dx, dh0};
      if (lstm) grads.push_back(dc0);
      grads.insert(grads.end(), {dk, dr, db});
      return grads;
    });
  }
  TensorList out{y, h_t};
  if (lstm) out.push_back(c_t);
  return out;
}

}  // namespace keras::ops
