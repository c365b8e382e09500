// Reference recurrences: the cell equations step by step in double, and backpropagation
// through time by the chain rule, written out per gate. Keras's layouts: kernel
// (features, gates*units) and recurrent kernel (units, gates*units), gate-major columns
// (LSTM i, f, c, o; GRU z, r, h); fused bias (gates*units), GRU (4*units) =
// [b_z, b_r, b_h(input), b_h(recurrent)] (keras/ops/rnn.h).
//
//   simple  h' = act(x W + h U + b)
//   LSTM    i, f, o = sigmoid(.), g = tanh(.) of x W + h U + b;  c' = f c + i g;  h' = o tanh(c')
//   GRU     z = sigmoid(x W_z + h U_z + b_z), r = sigmoid(x W_r + h U_r + b_r),
//           n = tanh(x W_h + b_h(input) + r (h U_h + b_h(recurrent))),  h' = z h + (1 - z) n
#include <cmath>

#include "backend/ref/ref_backend.h"

namespace keras::backend::ref {

namespace {

double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

/// Everything of a forward pass that backward needs, per step t in processing order.
struct Trace {
  std::vector<std::vector<double>> h, c;  // states before step t (index 0 = initial), T + 1 of them
  std::vector<std::vector<double>> gates;  // activated gates (batch, G*U); simple: the new h
  std::vector<std::vector<double>> hn;     // GRU: h U_h + b_h(recurrent), (batch, U)
};

struct Weights {
  const float *x, *w, *u, *b;
};

/// x's step s(t): processing step t reads step T-1-t when reversed.
int64_t source_step(const RecurrenceGeometry& g, int64_t t) { return g.reverse ? g.steps - 1 - t : t; }

Trace run_forward(const RecurrenceGeometry& g, const Weights& in, const Tensor& h0, const Tensor& c0) {
  const int64_t N = g.batch, F = g.features, U = g.units, GU = g.gates() * U;
  Trace tr;
  tr.h.assign(1, std::vector<double>(h0.data<float>(), h0.data<float>() + N * U));
  if (g.has_cell_state()) tr.c.assign(1, std::vector<double>(c0.data<float>(), c0.data<float>() + N * U));
  for (int64_t t = 0; t < g.steps; ++t) {
    const int64_t s = source_step(g, t);
    const auto& h = tr.h.back();
    std::vector<double> gates(static_cast<size_t>(N * GU)), hn(static_cast<size_t>(N * U));
    std::vector<double> h_new(static_cast<size_t>(N * U)), c_new(static_cast<size_t>(N * U));
    for (int64_t n = 0; n < N; ++n) {
      std::vector<double> za(static_cast<size_t>(GU)), zh(static_cast<size_t>(GU));
      for (int64_t col = 0; col < GU; ++col) {
        double a = in.b[col], r = 0;
        for (int64_t f = 0; f < F; ++f) a += static_cast<double>(in.x[(n * g.steps + s) * F + f]) * in.w[f * GU + col];
        for (int64_t j = 0; j < U; ++j) r += h[static_cast<size_t>(n * U + j)] * in.u[j * GU + col];
        za[static_cast<size_t>(col)] = a;
        zh[static_cast<size_t>(col)] = r;
      }
      double* gt = gates.data() + n * GU;
      for (int64_t j = 0; j < U; ++j) {
        const size_t q = static_cast<size_t>(j), k = static_cast<size_t>(n * U + j);
        switch (g.kind) {
          case RecurrenceKind::lstm: {
            const double i = sigmoid(za[q] + zh[q]), fg = sigmoid(za[q + U] + zh[q + U]);
            const double gg = std::tanh(za[q + 2 * U] + zh[q + 2 * U]), o = sigmoid(za[q + 3 * U] + zh[q + 3 * U]);
            gt[j] = i, gt[j + U] = fg, gt[j + 2 * U] = gg, gt[j + 3 * U] = o;
            c_new[k] = fg * tr.c.back()[k] + i * gg;
            h_new[k] = o * std::tanh(c_new[k]);
            break;
          }
          case RecurrenceKind::gru: {
            const double z = sigmoid(za[q] + zh[q]), r = sigmoid(za[q + U] + zh[q + U]);
            hn[k] = zh[q + 2 * U] + in.b[3 * U + j];
            const double cand = std::tanh(za[q + 2 * U] + r * hn[k]);
            gt[j] = z, gt[j + U] = r, gt[j + 2 * U] = cand;
            h_new[k] = z * h[k] + (1 - z) * cand;
            break;
          }
          default: {
            const double a = za[q] + zh[q];
            h_new[k] = g.kind == RecurrenceKind::simple_relu ? std::max(a, 0.0) : std::tanh(a);
            gt[j] = h_new[k];
          }
        }
      }
    }
    tr.gates.push_back(std::move(gates));
    tr.hn.push_back(std::move(hn));
    tr.h.push_back(std::move(h_new));
    if (g.has_cell_state()) tr.c.push_back(std::move(c_new));
  }
  return tr;
}

struct RefRnnWorkspace final : Workspace {
  Tensor x, h0, c0, kernel, recurrent_kernel, bias;
};

void store(const std::vector<double>& v, Tensor& t) {
  for (size_t i = 0; i < v.size(); ++i) t.data<float>()[i] = static_cast<float>(v[i]);
}

}  // namespace

std::shared_ptr<Workspace> RefBackend::recurrence_forward(const RecurrenceGeometry& g, const Tensor& x, const Tensor& h0,
                                                          const Tensor& c0, const Tensor& kernel,
                                                          const Tensor& recurrent_kernel, const Tensor& bias,
                                                          Tensor& y, Tensor& h_t, Tensor& c_t, bool training) {
  const Trace tr = run_forward(
      g, {x.data<float>(), kernel.data<float>(), recurrent_kernel.data<float>(), bias.data<float>()}, h0, c0);
  const int64_t N = g.batch, U = g.units;
  for (int64_t t = 0; t < g.steps; ++t)
    for (int64_t n = 0; n < N; ++n)
      for (int64_t j = 0; j < U; ++j)
        y.data<float>()[(n * g.steps + t) * U + j] = static_cast<float>(tr.h[static_cast<size_t>(t + 1)][static_cast<size_t>(n * U + j)]);
  store(tr.h.back(), h_t);
  if (g.has_cell_state()) store(tr.c.back(), c_t);
  if (!training) return nullptr;
  auto ws = std::make_shared<RefRnnWorkspace>();
  ws->x = x.detach();
  ws->h0 = h0.detach();
  ws->c0 = c0.defined() ? c0.detach() : Tensor();
  ws->kernel = kernel.detach();
  ws->recurrent_kernel = recurrent_kernel.detach();
  ws->bias = bias.detach();
  return ws;
}

void RefBackend::recurrence_backward(const RecurrenceGeometry& g, const Workspace& workspace, const Tensor& dy,
                                     const Tensor& dh_t, const Tensor& dc_t, Tensor& dx, Tensor& dh0, Tensor& dc0,
                                     Tensor& dkernel, Tensor& drecurrent_kernel, Tensor& dbias) {
  const auto* ws = dynamic_cast<const RefRnnWorkspace*>(&workspace);
  if (!ws) throw RuntimeError("recurrence_backward: needs the workspace of the reference recurrence_forward");
  const Weights in{ws->x.data<float>(), ws->kernel.data<float>(), ws->recurrent_kernel.data<float>(),
                   ws->bias.data<float>()};
  const Trace tr = run_forward(g, in, ws->h0, ws->c0);
  const int64_t N = g.batch, F = g.features, U = g.units, GU = g.gates() * U;
  const bool lstm = g.kind == RecurrenceKind::lstm, gru = g.kind == RecurrenceKind::gru;
  std::vector<double> dW(static_cast<size_t>(F * GU)), dR(static_cast<size_t>(U * GU)), dB(static_cast<size_t>(dbias.size()));
  std::vector<double> dX(static_cast<size_t>(N * g.steps * F));
  std::vector<double> dh(static_cast<size_t>(N * U)), dc(static_cast<size_t>(N * U));
  for (size_t k = 0; k < dh.size(); ++k) {
    dh[k] = dh_t.defined() ? dh_t.data<float>()[k] : 0.0;
    if (lstm) dc[k] = dc_t.defined() ? dc_t.data<float>()[k] : 0.0;
  }
  for (int64_t t = g.steps; t-- > 0;) {
    const int64_t s = source_step(g, t);
    const size_t ts = static_cast<size_t>(t);
    const auto& h_prev = tr.h[ts];
    const auto& gates = tr.gates[ts];
    std::vector<double> dh_prev(static_cast<size_t>(N * U)), dc_prev(static_cast<size_t>(N * U));
    for (int64_t n = 0; n < N; ++n) {
      // Gradients of the pre-activations on the input side (dza) and the recurrent side
      // (dzh); they differ only in the GRU's candidate, where r scales the recurrent part.
      std::vector<double> dza(static_cast<size_t>(GU)), dzh(static_cast<size_t>(GU));
      const double* gt = gates.data() + n * GU;
      for (int64_t j = 0; j < U; ++j) {
        const size_t k = static_cast<size_t>(n * U + j), q = static_cast<size_t>(j);
        const double d = dh[k] + dy.data<float>()[(n * g.steps + t) * U + j];
        if (lstm) {
          const double i = gt[j], fg = gt[j + U], gg = gt[j + 2 * U], o = gt[j + 3 * U];
          const double tc = std::tanh(tr.c[ts + 1][k]);
          const double dct = dc[k] + d * o * (1 - tc * tc);
          dza[q] = dct * gg * i * (1 - i);
          dza[q + U] = dct * tr.c[ts][k] * fg * (1 - fg);
          dza[q + 2 * U] = dct * i * (1 - gg * gg);
          dza[q + 3 * U] = d * tc * o * (1 - o);
          dc_prev[k] = dct * fg;
          for (int64_t gi = 0; gi < 4; ++gi) dzh[q + gi * U] = dza[q + gi * U];
        } else if (gru) {
          const double z = gt[j], r = gt[j + U], cand = gt[j + 2 * U];
          const double dcand = d * (1 - z) * (1 - cand * cand);
          dza[q] = d * (h_prev[k] - cand) * z * (1 - z);
          dza[q + U] = dcand * tr.hn[ts][k] * r * (1 - r);
          dza[q + 2 * U] = dcand;
          dzh[q] = dza[q];
          dzh[q + U] = dza[q + U];
          dzh[q + 2 * U] = dcand * r;
          dB[static_cast<size_t>(3 * U + j)] += dcand * r;
          dh_prev[k] += d * z;  // h' depends on h directly through z h
        } else {
          const double hv = gt[j];
          dza[q] = d * (g.kind == RecurrenceKind::simple_relu ? (hv > 0 ? 1.0 : 0.0) : 1 - hv * hv);
          dzh[q] = dza[q];
        }
      }
      for (int64_t col = 0; col < GU; ++col) {
        const double a = dza[static_cast<size_t>(col)], r = dzh[static_cast<size_t>(col)];
        dB[static_cast<size_t>(col)] += a;
        for (int64_t f = 0; f < F; ++f) {
          const int64_t xi = (n * g.steps + s) * F + f;
          dW[static_cast<size_t>(f * GU + col)] += in.x[xi] * a;
          dX[static_cast<size_t>(xi)] += a * in.w[f * GU + col];
        }
        for (int64_t j = 0; j < U; ++j) {
          dR[static_cast<size_t>(j * GU + col)] += h_prev[static_cast<size_t>(n * U + j)] * r;
          dh_prev[static_cast<size_t>(n * U + j)] += r * in.u[j * GU + col];
        }
      }
    }
    dh = std::move(dh_prev);
    if (lstm) dc = std::move(dc_prev);
  }
  store(dX, dx);
  store(dh, dh0);
  if (lstm) store(dc, dc0);
  store(dW, dkernel);
  store(dR, drecurrent_kernel);
  store(dB, dbias);
}

}  // namespace keras::backend::ref
