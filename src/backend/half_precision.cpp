#include "backend/half_precision.h"

#include <deque>
#include <initializer_list>
#include <utility>

namespace keras::backend {

namespace {

/// One kernel call on widened operands. Active when the kernel's data operand is 16-bit
/// and the backend has no 16-bit kernel for it; then in() gives float32 copies of 16-bit
/// inputs, out() float32 stand-ins for 16-bit outputs (holding their values when the
/// kernel reads them too), and narrow() rounds the stand-ins into the outputs.
class Widening {
 public:
  Widening(Backend& be, Op op, const Tensor& data)
      : be_(be), active_(data.defined() && is_half(data.dtype()) && !be.supports(op, data.dtype())) {}
  explicit operator bool() const { return active_; }

  Tensor in(const Tensor& t) const {
    if (!t.defined() || !is_half(t.dtype())) return t;
    Tensor wide = Tensor::empty(t.shape(), DType::float32, t.device());
    be_.cast(t, wide);
    return wide;
  }
  Tensor& out(Tensor& t, bool read = false) {
    if (!t.defined() || !is_half(t.dtype())) return t;
    outs_.emplace_back(&t, read ? in(t) : Tensor::empty(t.shape(), DType::float32, t.device()));
    return outs_.back().second;
  }
  void narrow() {
    for (auto& [target, wide] : outs_) be_.cast(wide, *target);
    outs_.clear();
  }

 private:
  Backend& be_;
  bool active_;
  std::deque<std::pair<Tensor*, Tensor>> outs_;  // stable addresses for out()'s references
};

/// A kernel that only writes `out` (fill, the random ops): run on `out` itself, or on a
/// float32 stand-in that is then rounded into it.
template <class Kernel>
void write_only(Backend& be, Op op, Tensor& out, Kernel&& kernel) {
  Widening w(be, op, out);
  if (!w) return kernel(out);
  kernel(w.out(out));
  w.narrow();
}

}  // namespace

void HalfPrecisionAdapter::fill(Tensor& dst, double value) {
  write_only(*inner_, Op::fill, dst, [&](Tensor& t) { inner_->fill(t, value); });
}

void HalfPrecisionAdapter::unary(UnaryOp op, const UnaryParams& p, const Tensor& x, Tensor& y) {
  Widening w(*inner_, Op::unary, x);
  if (!w) return inner_->unary(op, p, x, y);
  inner_->unary(op, p, w.in(x), w.out(y));
  w.narrow();
}

void HalfPrecisionAdapter::unary_backward(UnaryOp op, const UnaryParams& p, const Tensor& x, const Tensor& y,
                                          const Tensor& dy, Tensor& dx) {
  Widening w(*inner_, Op::unary_backward, dy);
  if (!w) return inner_->unary_backward(op, p, x, y, dy, dx);
  inner_->unary_backward(op, p, w.in(x), w.in(y), w.in(dy), w.out(dx));
  w.narrow();
}

void HalfPrecisionAdapter::binary(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) {
  Widening w(*inner_, Op::binary, a);
  if (!w) return inner_->binary(op, a, b, out);
  inner_->binary(op, w.in(a), w.in(b), w.out(out));
  w.narrow();
}

void HalfPrecisionAdapter::reduce(ReduceOp op, const Tensor& x, int64_t outer, int64_t reduced, int64_t inner,
                                  Tensor& out) {
  Widening w(*inner_, Op::reduce, x);
  if (!w) return inner_->reduce(op, x, outer, reduced, inner, out);
  inner_->reduce(op, w.in(x), outer, reduced, inner, w.out(out));
  w.narrow();
}

void HalfPrecisionAdapter::argmax(const Tensor& x, int64_t outer, int64_t reduced, int64_t inner, Tensor& out) {
  Widening w(*inner_, Op::argmax, x);
  if (!w) return inner_->argmax(x, outer, reduced, inner, out);
  inner_->argmax(w.in(x), outer, reduced, inner, out);
}

void HalfPrecisionAdapter::scatter_add_rows(const Tensor& src, const Tensor& index, Tensor& out) {
  Widening w(*inner_, Op::scatter_add_rows, src);
  if (!w) return inner_->scatter_add_rows(src, index, out);
  inner_->scatter_add_rows(w.in(src), index, w.out(out, /*read=*/true));
  w.narrow();
}

void HalfPrecisionAdapter::one_hot(const Tensor& indices, int64_t depth, Tensor& out) {
  Widening w(*inner_, Op::one_hot, out);
  if (!w) return inner_->one_hot(indices, depth, out);
  inner_->one_hot(indices, depth, w.out(out));
  w.narrow();
}

void HalfPrecisionAdapter::matmul(const Tensor& a, const Tensor& b, Tensor& out, int64_t batch, int64_t m, int64_t n,
                                  int64_t k, bool trans_a, bool trans_b, int64_t a_batch_stride, int64_t b_batch_stride,
                                  float beta) {
  Widening w(*inner_, Op::matmul, a);
  if (!w) return inner_->matmul(a, b, out, batch, m, n, k, trans_a, trans_b, a_batch_stride, b_batch_stride, beta);
  inner_->matmul(w.in(a), w.in(b), w.out(out, /*read=*/beta != 0.f), batch, m, n, k, trans_a, trans_b, a_batch_stride,
                 b_batch_stride, beta);
  w.narrow();
}

void HalfPrecisionAdapter::conv_forward(const WindowGeometry& g, const Tensor& x, const Tensor& kernel,
                                        const Tensor& bias, Tensor& y, const ConvEpilogue& epilogue) {
  Widening w(*inner_, Op::conv_forward, x);
  if (!w) return inner_->conv_forward(g, x, kernel, bias, y, epilogue);
  inner_->conv_forward(g, w.in(x), w.in(kernel), w.in(bias), w.out(y, epilogue.accumulate), epilogue);
  w.narrow();
}

void HalfPrecisionAdapter::conv_backward_data(const WindowGeometry& g, const Tensor& dy, const Tensor& kernel,
                                              Tensor& dx) {
  Widening w(*inner_, Op::conv_backward_data, dy);
  if (!w) return inner_->conv_backward_data(g, dy, kernel, dx);
  inner_->conv_backward_data(g, w.in(dy), w.in(kernel), w.out(dx));
  w.narrow();
}

void HalfPrecisionAdapter::conv_backward_weights(const WindowGeometry& g, const Tensor& x, const Tensor& dy,
                                                 Tensor& dkernel, Tensor& dbias) {
  Widening w(*inner_, Op::conv_backward_weights, x);
  if (!w) return inner_->conv_backward_weights(g, x, dy, dkernel, dbias);
  inner_->conv_backward_weights(g, w.in(x), w.in(dy), w.out(dkernel), w.out(dbias));
  w.narrow();
}

std::shared_ptr<Workspace> HalfPrecisionAdapter::pool_forward(PoolKind kind, const WindowGeometry& g, const Tensor& x,
                                                              Tensor& y, bool training) {
  Widening w(*inner_, Op::pool_forward, x);
  if (!w) return inner_->pool_forward(kind, g, x, y, training);
  auto ws = inner_->pool_forward(kind, g, w.in(x), w.out(y), training);
  w.narrow();
  return ws;
}

void HalfPrecisionAdapter::pool_backward(PoolKind kind, const WindowGeometry& g, const Tensor& dy, const Workspace* ws,
                                         Tensor& dx) {
  Widening w(*inner_, Op::pool_backward, dy);
  if (!w) return inner_->pool_backward(kind, g, dy, ws, dx);
  inner_->pool_backward(kind, g, w.in(dy), ws, w.out(dx));
  w.narrow();
}

void HalfPrecisionAdapter::softmax(const Tensor& x, int64_t outer, int64_t axis, int64_t inner, bool log, Tensor& y) {
  Widening w(*inner_, Op::softmax, x);
  if (!w) return inner_->softmax(x, outer, axis, inner, log, y);
  inner_->softmax(w.in(x), outer, axis, inner, log, w.out(y));
  w.narrow();
}

void HalfPrecisionAdapter::softmax_backward(const Tensor& y, const Tensor& dy, int64_t outer, int64_t axis,
                                            int64_t inner, bool log, Tensor& dx) {
  Widening w(*inner_, Op::softmax_backward, y);
  if (!w) return inner_->softmax_backward(y, dy, outer, axis, inner, log, dx);
  inner_->softmax_backward(w.in(y), w.in(dy), outer, axis, inner, log, w.out(dx));
  w.narrow();
}

std::shared_ptr<Workspace> HalfPrecisionAdapter::recurrence_forward(
    const RecurrenceGeometry& g, const Tensor& x, const Tensor& h0, const Tensor& c0, const Tensor& kernel,
    const Tensor& recurrent_kernel, const Tensor& bias, Tensor& y, Tensor& h_t, Tensor& c_t, bool training) {
  Widening w(*inner_, Op::recurrence_forward, x);
  if (!w) return inner_->recurrence_forward(g, x, h0, c0, kernel, recurrent_kernel, bias, y, h_t, c_t, training);
  auto ws = inner_->recurrence_forward(g, w.in(x), w.in(h0), w.in(c0), w.in(kernel), w.in(recurrent_kernel), w.in(bias),
                                       w.out(y), w.out(h_t), w.out(c_t), training);
  w.narrow();
  return ws;
}

void HalfPrecisionAdapter::recurrence_backward(const RecurrenceGeometry& g, const Workspace& ws, const Tensor& dy,
                                               const Tensor& dh_t, const Tensor& dc_t, Tensor& dx, Tensor& dh0,
                                               Tensor& dc0, Tensor& dkernel, Tensor& drecurrent_kernel, Tensor& dbias) {
  Widening w(*inner_, Op::recurrence_backward, dy);
  if (!w) return inner_->recurrence_backward(g, ws, dy, dh_t, dc_t, dx, dh0, dc0, dkernel, drecurrent_kernel, dbias);
  inner_->recurrence_backward(g, ws, w.in(dy), w.in(dh_t), w.in(dc_t), w.out(dx), w.out(dh0), w.out(dc0),
                              w.out(dkernel), w.out(drecurrent_kernel), w.out(dbias));
  w.narrow();
}

std::shared_ptr<Workspace> HalfPrecisionAdapter::attention_forward(const AttentionGeometry& g, const Tensor& query,
                                                                   const Tensor& key, const Tensor& value,
                                                                   const Tensor& mask, Tensor& out, bool training) {
  Widening w(*inner_, Op::attention_forward, query);
  if (!w) return inner_->attention_forward(g, query, key, value, mask, out, training);
  auto ws = inner_->attention_forward(g, w.in(query), w.in(key), w.in(value), w.in(mask), w.out(out), training);
  w.narrow();
  return ws;
}

void HalfPrecisionAdapter::attention_backward(const AttentionGeometry& g, const Workspace& ws, const Tensor& dout,
                                              Tensor& dquery, Tensor& dkey, Tensor& dvalue) {
  Widening w(*inner_, Op::attention_backward, dout);
  if (!w) return inner_->attention_backward(g, ws, dout, dquery, dkey, dvalue);
  inner_->attention_backward(g, ws, w.in(dout), w.out(dquery), w.out(dkey), w.out(dvalue));
  w.narrow();
}

void HalfPrecisionAdapter::layer_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, int64_t rows,
                                              int64_t cols, float epsilon, Tensor& y, Tensor& mean, Tensor& rstd) {
  Widening w(*inner_, Op::layer_norm_forward, x);
  if (!w) return inner_->layer_norm_forward(x, gamma, beta, rows, cols, epsilon, y, mean, rstd);
  inner_->layer_norm_forward(w.in(x), w.in(gamma), w.in(beta), rows, cols, epsilon, w.out(y), w.out(mean), w.out(rstd));
  w.narrow();
}

void HalfPrecisionAdapter::layer_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean,
                                               const Tensor& rstd, const Tensor& dy, int64_t rows, int64_t cols,
                                               Tensor& dx, Tensor& dgamma, Tensor& dbeta) {
  Widening w(*inner_, Op::layer_norm_backward, x);
  if (!w) return inner_->layer_norm_backward(x, gamma, mean, rstd, dy, rows, cols, dx, dgamma, dbeta);
  inner_->layer_norm_backward(w.in(x), w.in(gamma), w.in(mean), w.in(rstd), w.in(dy), rows, cols, w.out(dx),
                              w.out(dgamma), w.out(dbeta));
  w.narrow();
}

void HalfPrecisionAdapter::batch_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, int64_t rows,
                                              int64_t channels, float epsilon, bool training, Tensor& mean,
                                              Tensor& variance, Tensor& y) {
  Widening w(*inner_, Op::batch_norm_forward, x);
  if (!w) return inner_->batch_norm_forward(x, gamma, beta, rows, channels, epsilon, training, mean, variance, y);
  inner_->batch_norm_forward(w.in(x), w.in(gamma), w.in(beta), rows, channels, epsilon, training,
                             w.out(mean, !training), w.out(variance, !training), w.out(y));
  w.narrow();
}

void HalfPrecisionAdapter::batch_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean,
                                               const Tensor& variance, const Tensor& dy, int64_t rows, int64_t channels,
                                               float epsilon, bool training, Tensor& dx, Tensor& dgamma,
                                               Tensor& dbeta) {
  Widening w(*inner_, Op::batch_norm_backward, x);
  if (!w)
    return inner_->batch_norm_backward(x, gamma, mean, variance, dy, rows, channels, epsilon, training, dx, dgamma,
                                       dbeta);
  inner_->batch_norm_backward(w.in(x), w.in(gamma), w.in(mean), w.in(variance), w.in(dy), rows, channels, epsilon,
                              training, w.out(dx), w.out(dgamma), w.out(dbeta));
  w.narrow();
}

void HalfPrecisionAdapter::random_uniform(Tensor& out, double low, double high, uint64_t seed) {
  write_only(*inner_, Op::random_uniform, out, [&](Tensor& t) { inner_->random_uniform(t, low, high, seed); });
}

void HalfPrecisionAdapter::random_normal(Tensor& out, double mean, double stddev, uint64_t seed) {
  write_only(*inner_, Op::random_normal, out, [&](Tensor& t) { inner_->random_normal(t, mean, stddev, seed); });
}

void HalfPrecisionAdapter::random_truncated_normal(Tensor& out, double mean, double stddev, uint64_t seed) {
  write_only(*inner_, Op::random_truncated_normal, out,
             [&](Tensor& t) { inner_->random_truncated_normal(t, mean, stddev, seed); });
}

void HalfPrecisionAdapter::dropout_mask(Tensor& out, double rate, uint64_t seed) {
  write_only(*inner_, Op::dropout_mask, out, [&](Tensor& t) { inner_->dropout_mask(t, rate, seed); });
}

void HalfPrecisionAdapter::sgd_update(Tensor& var, const Tensor& grad, Tensor& momentum, float lr, float momentum_coef,
                                      bool nesterov) {
  Widening w(*inner_, Op::sgd_update, var);
  if (!w) return inner_->sgd_update(var, grad, momentum, lr, momentum_coef, nesterov);
  inner_->sgd_update(w.out(var, true), w.in(grad), w.out(momentum, true), lr, momentum_coef, nesterov);
  w.narrow();
}

void HalfPrecisionAdapter::adam_update(Tensor& var, const Tensor& grad, Tensor& m, Tensor& v, Tensor& v_hat,
                                       float alpha, float beta_1, float beta_2, float epsilon, bool amsgrad) {
  Widening w(*inner_, Op::adam_update, var);
  if (!w) return inner_->adam_update(var, grad, m, v, v_hat, alpha, beta_1, beta_2, epsilon, amsgrad);
  inner_->adam_update(w.out(var, true), w.in(grad), w.out(m, true), w.out(v, true), w.out(v_hat, true), alpha, beta_1,
                      beta_2, epsilon, amsgrad);
  w.narrow();
}

void HalfPrecisionAdapter::rmsprop_update(Tensor& var, const Tensor& grad, Tensor& velocity, Tensor& momentum,
                                          Tensor& average_grad, float lr, float rho, float momentum_coef, float epsilon,
                                          bool centered) {
  Widening w(*inner_, Op::rmsprop_update, var);
  if (!w)
    return inner_->rmsprop_update(var, grad, velocity, momentum, average_grad, lr, rho, momentum_coef, epsilon,
                                  centered);
  inner_->rmsprop_update(w.out(var, true), w.in(grad), w.out(velocity, true), w.out(momentum, true),
                         w.out(average_grad, true), lr, rho, momentum_coef, epsilon, centered);
  w.narrow();
}

}  // namespace keras::backend
