// Reference matmul, convolution and pooling: one multiply-add per (output, tap), in
// double. Window ops index every tensor as if it had three spatial dims (the unused
// ones of size 1), so 1-D, 2-D and 3-D share one loop nest.
#include <cmath>
#include <limits>

#include "backend/ref/ref_backend.h"

namespace keras::backend::ref {

namespace {

constexpr size_t kDims = 3;

/// Input position of output `o` and tap `k` along spatial dim d, or -1 in the padding.
int64_t input_pos(const WindowGeometry& g, size_t d, int64_t o, int64_t k) {
  const int64_t i = o * g.stride[d] - g.pad_before[d] + k * g.dilation[d];
  return i >= 0 && i < g.in[d] ? i : -1;
}

/// Flat channels-last index of (n, p0, p1, p2, c) in a tensor of spatial `size` and `channels`.
int64_t data_at(const std::array<int64_t, 3>& size, int64_t channels, int64_t n, const std::array<int64_t, 3>& p,
                int64_t c) {
  return (((n * size[0] + p[0]) * size[1] + p[1]) * size[2] + p[2]) * channels + c;
}

/// Calls f(x_index, kernel_index, y_index) for every tap of a convolution that lands
/// inside the input: y[y_index] += x[x_index] * kernel[kernel_index] is the forward pass.
/// Group gi owns input channels [gi*in/groups, ...) and output channels [gi*out/groups, ...).
template <class F>
void for_each_tap(const WindowGeometry& g, F&& f) {
  const int64_t icg = g.in_channels / g.groups, ocg = g.out_channels / g.groups;
  std::array<int64_t, 3> o{}, k{}, i{};
  for (int64_t n = 0; n < g.batch; ++n)
    for (o[0] = 0; o[0] < g.out[0]; ++o[0])
      for (o[1] = 0; o[1] < g.out[1]; ++o[1])
        for (o[2] = 0; o[2] < g.out[2]; ++o[2])
          for (int64_t oc = 0; oc < g.out_channels; ++oc) {
            const int64_t y_at = data_at(g.out, g.out_channels, n, o, oc);
            const int64_t group = oc / ocg;
            for (k[0] = 0; k[0] < g.kernel[0]; ++k[0])
              for (k[1] = 0; k[1] < g.kernel[1]; ++k[1])
                for (k[2] = 0; k[2] < g.kernel[2]; ++k[2]) {
                  bool inside = true;
                  for (size_t d = 0; d < kDims; ++d) inside = inside && (i[d] = input_pos(g, d, o[d], k[d])) >= 0;
                  if (!inside) continue;
                  for (int64_t ic = 0; ic < icg; ++ic) {
                    const int64_t x_at = data_at(g.in, g.in_channels, n, i, group * icg + ic);
                    const int64_t k_at = (((k[0] * g.kernel[1] + k[1]) * g.kernel[2] + k[2]) * icg + ic) *
                                             g.out_channels + oc;
                    f(x_at, k_at, y_at);
                  }
                }
          }
}

/// Calls f(x_index, y_index, window_cells) for every in-input cell of every pooling window;
/// window_cells counts the window's cells inside the input (average pooling divides by
/// it: padding is excluded, as TensorFlow/Keras and oneDNN's avg_exclude_padding do).
template <class F>
void for_each_pool_cell(const WindowGeometry& g, F&& f) {
  const int64_t c_n = g.in_channels;
  std::array<int64_t, 3> o{}, k{}, i{};
  for (int64_t n = 0; n < g.batch; ++n)
    for (o[0] = 0; o[0] < g.out[0]; ++o[0])
      for (o[1] = 0; o[1] < g.out[1]; ++o[1])
        for (o[2] = 0; o[2] < g.out[2]; ++o[2])
          for (int64_t c = 0; c < c_n; ++c) {
            const int64_t y_at = data_at(g.out, c_n, n, o, c);
            int64_t cells = 1;
            for (size_t d = 0; d < kDims; ++d) {
              int64_t inside = 0;
              for (int64_t kk = 0; kk < g.kernel[d]; ++kk) inside += input_pos(g, d, o[d], kk) >= 0;
              cells *= inside;
            }
            for (k[0] = 0; k[0] < g.kernel[0]; ++k[0])
              for (k[1] = 0; k[1] < g.kernel[1]; ++k[1])
                for (k[2] = 0; k[2] < g.kernel[2]; ++k[2]) {
                  bool inside = true;
                  for (size_t d = 0; d < kDims; ++d) inside = inside && (i[d] = input_pos(g, d, o[d], k[d])) >= 0;
                  if (inside) f(data_at(g.in, c_n, n, i, c), y_at, cells);
                }
          }
}

/// Pooling's windows use no dilation; the reference says so rather than trusting callers.
WindowGeometry pool_geometry(const WindowGeometry& g) {
  WindowGeometry p = g;
  p.dilation = {1, 1, 1};
  return p;
}

/// Where each max-pooling output came from: the first largest cell of its window.
std::vector<int64_t> max_sources(const WindowGeometry& g, const float* x, int64_t y_size) {
  std::vector<int64_t> src(static_cast<size_t>(y_size), -1);
  for_each_pool_cell(g, [&](int64_t xi, int64_t yi, int64_t) {
    int64_t& s = src[static_cast<size_t>(yi)];
    if (s < 0 || x[xi] > x[s]) s = xi;
  });
  return src;
}

struct RefPoolWorkspace final : Workspace {
  Tensor x;  // a copy of the forward input (max pooling finds its maxima again)
};

}  // namespace

void RefBackend::matmul(const Tensor& a, const Tensor& b, Tensor& out, int64_t batch, int64_t m, int64_t n, int64_t k,
                        bool trans_a, bool trans_b, int64_t a_batch_stride, int64_t b_batch_stride, float beta) {
  const float* pa = a.data<float>();
  const float* pb = b.data<float>();
  float* pc = out.data<float>();
  for (int64_t bi = 0; bi < batch; ++bi)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < k; ++p) {
          const float av = pa[bi * a_batch_stride + (trans_a ? p * m + i : i * k + p)];
          const float bv = pb[bi * b_batch_stride + (trans_b ? j * k + p : p * n + j)];
          acc += static_cast<double>(av) * bv;
        }
        float& c = pc[(bi * m + i) * n + j];
        c = static_cast<float>(beta != 0.f ? acc + static_cast<double>(beta) * c : acc);
      }
}

void RefBackend::conv_forward(const WindowGeometry& g, const Tensor& x, const Tensor& kernel, const Tensor& bias,
                              Tensor& y, const ConvEpilogue& epilogue) {
  std::vector<double> acc(static_cast<size_t>(y.size()), 0.0);
  if (bias.defined())
    for (size_t i = 0; i < acc.size(); ++i) acc[i] = bias.data<float>()[static_cast<int64_t>(i) % g.out_channels];
  const float* px = x.data<float>();
  const float* pk = kernel.data<float>();
  for_each_tap(g, [&](int64_t xi, int64_t ki, int64_t yi) {
    acc[static_cast<size_t>(yi)] += static_cast<double>(px[xi]) * pk[ki];
  });
  float* py = y.data<float>();
  for (size_t i = 0; i < acc.size(); ++i) {
    const int64_t c = static_cast<int64_t>(i) % g.out_channels;
    double v = acc[i];
    if (epilogue.scale.defined()) v *= epilogue.scale.data<float>()[c];
    if (epilogue.shift.defined()) v += epilogue.shift.data<float>()[c];
    if (epilogue.accumulate) v += py[i];
    switch (epilogue.activation) {
      case ConvActivation::none:
        break;
      case ConvActivation::relu:
        v = std::max(v, 0.0);
        break;
      case ConvActivation::relu6:
        v = std::min(std::max(v, 0.0), 6.0);
        break;
      case ConvActivation::silu:
        v = v / (1.0 + std::exp(-v));
        break;
      case ConvActivation::sigmoid:
        v = 1.0 / (1.0 + std::exp(-v));
        break;
      case ConvActivation::tanh:
        v = std::tanh(v);
        break;
    }
    py[i] = static_cast<float>(v);
  }
}

void RefBackend::conv_backward_data(const WindowGeometry& g, const Tensor& dy, const Tensor& kernel, Tensor& dx) {
  std::vector<double> acc(static_cast<size_t>(dx.size()), 0.0);
  const float* pg = dy.data<float>();
  const float* pk = kernel.data<float>();
  for_each_tap(g, [&](int64_t xi, int64_t ki, int64_t yi) {
    acc[static_cast<size_t>(xi)] += static_cast<double>(pg[yi]) * pk[ki];
  });
  for (size_t i = 0; i < acc.size(); ++i) dx.data<float>()[i] = static_cast<float>(acc[i]);
}

void RefBackend::conv_backward_weights(const WindowGeometry& g, const Tensor& x, const Tensor& dy, Tensor& dkernel,
                                       Tensor& dbias) {
  std::vector<double> acc(static_cast<size_t>(dkernel.size()), 0.0);
  const float* px = x.data<float>();
  const float* pg = dy.data<float>();
  for_each_tap(g, [&](int64_t xi, int64_t ki, int64_t yi) {
    acc[static_cast<size_t>(ki)] += static_cast<double>(px[xi]) * pg[yi];
  });
  for (size_t i = 0; i < acc.size(); ++i) dkernel.data<float>()[i] = static_cast<float>(acc[i]);
  if (!dbias.defined()) return;
  std::vector<double> db(static_cast<size_t>(g.out_channels), 0.0);
  for (int64_t i = 0; i < dy.size(); ++i) db[static_cast<size_t>(i % g.out_channels)] += pg[i];
  for (size_t i = 0; i < db.size(); ++i) dbias.data<float>()[i] = static_cast<float>(db[i]);
}

std::shared_ptr<Workspace> RefBackend::pool_forward(PoolKind kind, const WindowGeometry& geometry, const Tensor& x,
                                                    Tensor& y, bool training) {
  const WindowGeometry g = pool_geometry(geometry);
  const float* px = x.data<float>();
  float* py = y.data<float>();
  if (kind == PoolKind::max) {
    const auto src = max_sources(g, px, y.size());
    for (int64_t i = 0; i < y.size(); ++i) {
      const int64_t s = src[static_cast<size_t>(i)];
      py[i] = s >= 0 ? px[s] : -std::numeric_limits<float>::infinity();
    }
  } else {
    std::vector<double> acc(static_cast<size_t>(y.size()), 0.0);
    for_each_pool_cell(g, [&](int64_t xi, int64_t yi, int64_t cells) {
      acc[static_cast<size_t>(yi)] += static_cast<double>(px[xi]) / static_cast<double>(cells);
    });
    for (int64_t i = 0; i < y.size(); ++i) py[i] = static_cast<float>(acc[static_cast<size_t>(i)]);
  }
  if (!training) return nullptr;
  auto ws = std::make_shared<RefPoolWorkspace>();
  ws->x = Tensor::empty(x.shape(), x.dtype(), x.device());
  copy(x, ws->x);
  return ws;
}

void RefBackend::pool_backward(PoolKind kind, const WindowGeometry& geometry, const Tensor& dy, const Workspace* base,
                               Tensor& dx) {
  const WindowGeometry g = pool_geometry(geometry);
  const float* pg = dy.data<float>();
  std::vector<double> acc(static_cast<size_t>(dx.size()), 0.0);
  if (kind == PoolKind::max) {
    const auto* ws = dynamic_cast<const RefPoolWorkspace*>(base);
    if (!ws) throw RuntimeError("pool_backward: max pooling needs the workspace of the reference pool_forward");
    const auto src = max_sources(g, ws->x.data<float>(), dy.size());
    for (int64_t i = 0; i < dy.size(); ++i)
      if (src[static_cast<size_t>(i)] >= 0) acc[static_cast<size_t>(src[static_cast<size_t>(i)])] += pg[i];
  } else {
    for_each_pool_cell(g, [&](int64_t xi, int64_t yi, int64_t cells) {
      acc[static_cast<size_t>(xi)] += static_cast<double>(pg[yi]) / static_cast<double>(cells);
    });
  }
  for (size_t i = 0; i < acc.size(); ++i) dx.data<float>()[i] = static_cast<float>(acc[i]);
}

}  // namespace keras::backend::ref
