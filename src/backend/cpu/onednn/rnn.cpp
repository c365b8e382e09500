// Fused recurrences on oneDNN's RNN primitives: vanilla RNN (SimpleRNN), LSTM and the
// linear-before-reset GRU (Keras's reset_after=True). Keras's kernel (features, gates*units)
// and recurrent kernel (units, gates*units) are oneDNN's ldigo layout with one layer and
// one direction, and the gate orders agree (LSTM i, f, c, o; GRU z/u, r, h/o), so the
// weights are only reordered into the primitive's preferred layout. Data is copied to
// time-major (and reversed for go_backwards) on the way in and back on the way out.
#include <cstring>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/onednn/common.h"
#include "backend/cpu/parallel.h"

namespace keras::backend::cpu {

using namespace onednn;
using Kind = RecurrenceKind;

namespace {

constexpr auto kDirection = dnnl::rnn_direction::unidirectional_left2right;

/// Copies x (batch, steps, width) to time-major (steps, batch, width), or back with
/// `to_batch_major`; step t of the time-major side is step T-1-t of the other when reversed.
void relayout(const float* src, float* dst, int64_t batch, int64_t steps, int64_t width, bool reverse,
              bool to_batch_major) {
  parallel_for(steps, 4, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t s = reverse ? steps - 1 - t : t;
      for (int64_t n = 0; n < batch; ++n) {
        const float* from = nullptr;
        float* to = nullptr;
        if (!to_batch_major) {
          from = src + (n * steps + s) * width;
          to = dst + (t * batch + n) * width;
        } else {
          from = src + (t * batch + n) * width;
          to = dst + (n * steps + s) * width;
        }
        std::memcpy(to, from, static_cast<size_t>(width) * sizeof(float));
      }
    }
  });
}

struct RnnEntry {
  RecurrenceGeometry g;
  dnnl::memory::desc src_layer, src_iter, bias, dst_layer, user_w_layer, user_w_iter, any_w_layer, any_w_iter, none;
  std::mutex mutex;

  dnnl::primitive_desc fwd_pd[2];  // [inference, training]
  dnnl::primitive fwd[2];
  dnnl::vanilla_rnn_forward::primitive_desc rnn_hint;
  dnnl::lstm_forward::primitive_desc lstm_hint;
  dnnl::lbr_gru_forward::primitive_desc gru_hint;
  dnnl::primitive_desc bwd_pd;
  dnnl::primitive bwd;

  explicit RnnEntry(const RecurrenceGeometry& geo) : g(geo) {
    const int64_t T = g.steps, N = g.batch, C = g.features, U = g.units, G = g.gates();
    src_layer = {{T, N, C}, dt::f32, tag::tnc};
    dst_layer = {{T, N, U}, dt::f32, tag::tnc};
    src_iter = {{1, 1, N, U}, dt::f32, tag::ldnc};
    bias = {{1, 1, g.kind == Kind::gru ? 4 : G, U}, dt::f32, tag::ldgo};
    user_w_layer = {{1, 1, C, G, U}, dt::f32, tag::ldigo};
    user_w_iter = {{1, 1, U, G, U}, dt::f32, tag::ldigo};
    any_w_layer = {{1, 1, C, G, U}, dt::f32, tag::any};
    any_w_iter = {{1, 1, U, G, U}, dt::f32, tag::any};
  }

  dnnl::algorithm activation() const {
    return g.kind == Kind::simple_relu ? dnnl::algorithm::eltwise_relu : dnnl::algorithm::eltwise_tanh;
  }

  void ensure_fwd(bool training) {
    const int i = training ? 1 : 0;
    if (fwd[i]) return;
    const auto prop = training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
    switch (g.kind) {
      case Kind::lstm: {
        dnnl::lstm_forward::desc d(prop, kDirection, src_layer, src_iter, src_iter, any_w_layer, any_w_iter, none, none,
                                   bias, dst_layer, src_iter, src_iter);
        dnnl::lstm_forward::primitive_desc pd(d, attr(), engine());
        if (training) lstm_hint = pd;
        fwd_pd[i] = pd;
        fwd[i] = dnnl::lstm_forward(pd);
        break;
      }
      case Kind::gru: {
        dnnl::lbr_gru_forward::desc d(prop, kDirection, src_layer, src_iter, any_w_layer, any_w_iter, bias, dst_layer,
                                      src_iter);
        dnnl::lbr_gru_forward::primitive_desc pd(d, attr(), engine());
        if (training) gru_hint = pd;
        fwd_pd[i] = pd;
        fwd[i] = dnnl::lbr_gru_forward(pd);
        break;
      }
      default: {
        dnnl::vanilla_rnn_forward::desc d(prop, activation(), kDirection, src_layer, src_iter, any_w_layer, any_w_iter,
                                          bias, dst_layer, src_iter);
        dnnl::vanilla_rnn_forward::primitive_desc pd(d, attr(), engine());
        if (training) rnn_hint = pd;
        fwd_pd[i] = pd;
        fwd[i] = dnnl::vanilla_rnn_forward(pd);
      }
    }
  }

  void ensure_bwd() {
    if (bwd) return;
    ensure_fwd(true);
    const auto prop = dnnl::prop_kind::backward;
    switch (g.kind) {
      case Kind::lstm: {
        dnnl::lstm_backward::desc d(prop, kDirection, src_layer, src_iter, src_iter, any_w_layer, any_w_iter, none, none,
                                    bias, dst_layer, src_iter, src_iter, src_layer, src_iter, src_iter, any_w_layer,
                                    any_w_iter, none, none, bias, dst_layer, src_iter, src_iter);
        dnnl::lstm_backward::primitive_desc pd(d, attr(), engine(), lstm_hint);
        bwd_pd = pd;
        bwd = dnnl::lstm_backward(pd);
        break;
      }
      case Kind::gru: {
        dnnl::lbr_gru_backward::desc d(prop, kDirection, src_layer, src_iter, any_w_layer, any_w_iter, bias, dst_layer,
                                       src_iter, src_layer, src_iter, any_w_layer, any_w_iter, bias, dst_layer,
                                       src_iter);
        dnnl::lbr_gru_backward::primitive_desc pd(d, attr(), engine(), gru_hint);
        bwd_pd = pd;
        bwd = dnnl::lbr_gru_backward(pd);
        break;
      }
      default: {
        dnnl::vanilla_rnn_backward::desc d(prop, activation(), kDirection, src_layer, src_iter, any_w_layer, any_w_iter,
                                           bias, dst_layer, src_iter, src_layer, src_iter, any_w_layer, any_w_iter, bias,
                                           dst_layer, src_iter);
        dnnl::vanilla_rnn_backward::primitive_desc pd(d, attr(), engine(), rnn_hint);
        bwd_pd = pd;
        bwd = dnnl::vanilla_rnn_backward(pd);
      }
    }
  }
};

PrimitiveCache<RnnEntry>& cache() {
  static PrimitiveCache<RnnEntry> c;
  return c;
}

std::shared_ptr<RnnEntry> entry_for(const RecurrenceGeometry& g) {
  const std::string key = std::to_string(static_cast<int>(g.kind)) + "|" + std::to_string(g.batch) + "," +
                          std::to_string(g.steps) + "," + std::to_string(g.features) + "," + std::to_string(g.units);
  return cache().get(key, [&] { return std::make_shared<RnnEntry>(g); });
}

/// A scratch buffer of `bytes`, as a tensor so it is freed with the workspace.
Tensor scratch(size_t bytes) { return Tensor::empty(Shape{static_cast<int64_t>(bytes)}, DType::uint8); }

/// `user` (Keras layout) as memory in layout `want`, reordered into `buffer` if they differ.
dnnl::memory weights_as(const dnnl::memory::desc& user_md, const Tensor& user, const dnnl::memory::desc& want,
                        Tensor& buffer) {
  dnnl::memory u(user_md, engine(), user.raw_data());
  if (want == user_md) return u;
  buffer = scratch(want.get_size());
  dnnl::memory m(want, engine(), buffer.raw_data());
  dnnl::reorder(u, m).execute(stream(), u, m);
  return m;
}

/// What backward needs from forward.
struct RnnWorkspace : Workspace {
  std::shared_ptr<RnnEntry> entry;
  Tensor x_tm, y_tm, h0, c0, h_t, c_t, kernel, recurrent_kernel, bias, buffer;
};

}  // namespace

std::shared_ptr<Workspace> CpuBackend::recurrence_forward(const RecurrenceGeometry& g, const Tensor& x, const Tensor& h0,
                                                          const Tensor& c0, const Tensor& kernel,
                                                          const Tensor& recurrent_kernel, const Tensor& bias,
                                                          Tensor& y, Tensor& h_t, Tensor& c_t, bool training) {
  auto e = entry_for(g);
  {
    std::lock_guard<std::mutex> lock(e->mutex);
    e->ensure_fwd(training);
  }
  const dnnl::primitive_desc& pd = e->fwd_pd[training ? 1 : 0];
  auto ws = std::make_shared<RnnWorkspace>();
  ws->x_tm = Tensor::empty(Shape{g.steps, g.batch, g.features});
  relayout(x.data<float>(), ws->x_tm.data<float>(), g.batch, g.steps, g.features, g.reverse, false);
  ws->y_tm = Tensor::empty(Shape{g.steps, g.batch, g.units});

  Tensor w_buf, u_buf;
  std::unordered_map<int, dnnl::memory> args{
      {DNNL_ARG_SRC_LAYER, wrap(e->src_layer, ws->x_tm)},
      {DNNL_ARG_SRC_ITER, wrap(e->src_iter, h0)},
      {DNNL_ARG_WEIGHTS_LAYER, weights_as(e->user_w_layer, kernel, pd.query_md(dnnl::query::weights_md, 0), w_buf)},
      {DNNL_ARG_WEIGHTS_ITER, weights_as(e->user_w_iter, recurrent_kernel, pd.query_md(dnnl::query::weights_md, 1), u_buf)},
      {DNNL_ARG_BIAS, wrap(e->bias, bias)},
      {DNNL_ARG_DST_LAYER, wrap(e->dst_layer, ws->y_tm)},
      {DNNL_ARG_DST_ITER, wrap(e->src_iter, h_t)}};
  if (g.has_cell_state()) {
    args[DNNL_ARG_SRC_ITER_C] = wrap(e->src_iter, c0);
    args[DNNL_ARG_DST_ITER_C] = wrap(e->src_iter, c_t);
  }
  if (training) {
    ws->buffer = scratch(pd.workspace_desc().get_size());
    args[DNNL_ARG_WORKSPACE] = dnnl::memory(pd.workspace_desc(), engine(), ws->buffer.raw_data());
  }
  execute(e->fwd[training ? 1 : 0], pd, args);
  relayout(ws->y_tm.data<float>(), y.data<float>(), g.batch, g.steps, g.units, false, true);
  if (!training) return nullptr;
  // Detached handles: the workspace lives in the backward closure of these very outputs.
  ws->entry = e;
  ws->h0 = h0.detach();
  ws->c0 = c0.defined() ? c0.detach() : Tensor();
  ws->h_t = h_t.detach();
  ws->c_t = c_t.defined() ? c_t.detach() : Tensor();
  ws->kernel = kernel.detach();
  ws->recurrent_kernel = recurrent_kernel.detach();
  ws->bias = bias.detach();
  return ws;
}

void CpuBackend::recurrence_backward(const RecurrenceGeometry& g, const Workspace& workspace, const Tensor& dy,
                                     const Tensor& dh_t, const Tensor& dc_t, Tensor& dx, Tensor& dh0, Tensor& dc0,
                                     Tensor& dkernel, Tensor& drecurrent_kernel, Tensor& dbias) {
  const auto& ws = dynamic_cast<const RnnWorkspace&>(workspace);
  auto e = ws.entry;
  {
    std::lock_guard<std::mutex> lock(e->mutex);
    e->ensure_bwd();
  }
  const dnnl::primitive_desc& pd = e->bwd_pd;
  Tensor dy_tm = Tensor::empty(Shape{g.steps, g.batch, g.units});
  relayout(dy.data<float>(), dy_tm.data<float>(), g.batch, g.steps, g.units, false, false);
  Tensor dx_tm = Tensor::empty(Shape{g.steps, g.batch, g.features});

  // oneDNN accumulates into the weight gradients: start them at zero.
  const auto dw_md = pd.query_md(dnnl::query::diff_weights_md, 0), du_md = pd.query_md(dnnl::query::diff_weights_md, 1);
  Tensor dw_buf = scratch(dw_md.get_size()), du_buf = scratch(du_md.get_size());
  std::memset(dw_buf.raw_data(), 0, dw_md.get_size());
  std::memset(du_buf.raw_data(), 0, du_md.get_size());
  std::memset(dbias.raw_data(), 0, dbias.nbytes());
  dnnl::memory dw(dw_md, engine(), dw_buf.raw_data()), du(du_md, engine(), du_buf.raw_data());

  Tensor w_buf, u_buf;
  std::unordered_map<int, dnnl::memory> args{
      {DNNL_ARG_SRC_LAYER, wrap(e->src_layer, ws.x_tm)},
      {DNNL_ARG_SRC_ITER, wrap(e->src_iter, ws.h0)},
      {DNNL_ARG_WEIGHTS_LAYER, weights_as(e->user_w_layer, ws.kernel, pd.query_md(dnnl::query::weights_md, 0), w_buf)},
      {DNNL_ARG_WEIGHTS_ITER,
       weights_as(e->user_w_iter, ws.recurrent_kernel, pd.query_md(dnnl::query::weights_md, 1), u_buf)},
      {DNNL_ARG_BIAS, wrap(e->bias, ws.bias)},
      {DNNL_ARG_DST_LAYER, wrap(e->dst_layer, ws.y_tm)},
      {DNNL_ARG_DST_ITER, wrap(e->src_iter, ws.h_t)},
      {DNNL_ARG_WORKSPACE, dnnl::memory(e->fwd_pd[1].workspace_desc(), engine(), ws.buffer.raw_data())},
      {DNNL_ARG_DIFF_SRC_LAYER, wrap(e->src_layer, dx_tm)},
      {DNNL_ARG_DIFF_SRC_ITER, wrap(e->src_iter, dh0)},
      {DNNL_ARG_DIFF_WEIGHTS_LAYER, dw},
      {DNNL_ARG_DIFF_WEIGHTS_ITER, du},
      {DNNL_ARG_DIFF_BIAS, wrap(e->bias, dbias)},
      {DNNL_ARG_DIFF_DST_LAYER, wrap(e->dst_layer, dy_tm)},
      {DNNL_ARG_DIFF_DST_ITER, wrap(e->src_iter, dh_t)}};
  if (g.has_cell_state()) {
    args[DNNL_ARG_SRC_ITER_C] = wrap(e->src_iter, ws.c0);
    args[DNNL_ARG_DST_ITER_C] = wrap(e->src_iter, ws.c_t);
    args[DNNL_ARG_DIFF_SRC_ITER_C] = wrap(e->src_iter, dc0);
    args[DNNL_ARG_DIFF_DST_ITER_C] = wrap(e->src_iter, dc_t);
  }
  execute(e->bwd, pd, args);
  // Weight gradients back to Keras's layout.
  dnnl::memory user_dw(e->user_w_layer, engine(), dkernel.raw_data()), user_du(e->user_w_iter, engine(),
                                                                                  drecurrent_kernel.raw_data());
  dnnl::reorder(dw, user_dw).execute(stream(), dw, user_dw);
  dnnl::reorder(du, user_du).execute(stream(), du, user_du);
  stream().wait();
  relayout(dx_tm.data<float>(), dx.data<float>(), g.batch, g.steps, g.features, g.reverse, true);
}

}  // namespace keras::backend::cpu
