// Max and average pooling of channels-last float32 data, 1 to 3 spatial dims (the unused
// ones of size 1), with the reference's semantics (ref/window.cpp): a window covers the
// input cells it overlaps and nothing of the padding; max scans the window in order and
// keeps a cell until a larger one comes (the first of equal maxima wins, a NaN after a
// number is passed over, a NaN first stays); a window with no cell gives -inf (max) or 0
// (average); average divides by the number of cells the window covers.
// Windows are dense: pooling has no dilation (the reference resets it, oneDNN gets none).
//
// Forward: a thread per output element. Backward gathers: a thread per input element sums
// the gradient of every window that contains it (for max, of every window whose maximum
// it is, found again from x), so no two threads write one place and no atomics are needed.
// Sums run in double, as the reference's.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"

namespace keras::backend::cuda::kernels {

namespace {

constexpr int kThreads = 256;
constexpr int kDims = 3;

unsigned blocks_for(int64_t n) {
  return static_cast<unsigned>(std::clamp<int64_t>((n + kThreads - 1) / kThreads, 1, int64_t{1} << 20));
}

__device__ inline int64_t global_thread() { return blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; }
__device__ inline int64_t grid_threads() { return static_cast<int64_t>(gridDim.x) * blockDim.x; }

/// WindowGeometry as the kernels read it: C arrays (a kernel parameter), pad_after left
/// out (the output size already accounts for it).
struct PoolWindow {
  int64_t batch = 0, channels = 0;
  int64_t in[kDims] = {}, out[kDims] = {}, kernel[kDims] = {}, stride[kDims] = {}, pad[kDims] = {};
};

PoolWindow window_of(const WindowGeometry& g) {
  PoolWindow w;
  w.batch = g.batch;
  w.channels = g.in_channels;
  for (int d = 0; d < kDims; ++d) {
    const auto u = static_cast<size_t>(d);
    const bool used = d < g.spatial;
    w.in[d] = used ? g.in[u] : 1;
    w.out[d] = used ? g.out[u] : 1;
    w.kernel[d] = used ? g.kernel[u] : 1;
    w.stride[d] = used ? g.stride[u] : 1;
    w.pad[d] = used ? g.pad_before[u] : 0;
  }
  return w;
}

__device__ inline int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
__device__ inline int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

/// The input cells [lo, hi) along dim d that window o covers.
struct Span {
  int64_t lo, hi;
};
__device__ inline Span window_span(const PoolWindow& w, int d, int64_t o) {
  const int64_t start = o * w.stride[d] - w.pad[d];
  return {max(start, int64_t{0}), min(start + w.kernel[d], w.in[d])};
}

/// Flat index of input cell (n, p, c).
__device__ inline int64_t input_at(const PoolWindow& w, int64_t n, const int64_t (&p)[kDims], int64_t c) {
  return (((n * w.in[0] + p[0]) * w.in[1] + p[1]) * w.in[2] + p[2]) * w.channels + c;
}

/// The flat input index of the first largest cell of window `o` (the reference's scan in
/// window order), or -1 for a window with no cell.
__device__ int64_t window_argmax(const PoolWindow& w, const float* x, int64_t n, const int64_t (&o)[kDims], int64_t c) {
  const Span s0 = window_span(w, 0, o[0]), s1 = window_span(w, 1, o[1]), s2 = window_span(w, 2, o[2]);
  int64_t best = -1;
  float best_value = 0.f;
  int64_t p[kDims];
  for (p[0] = s0.lo; p[0] < s0.hi; ++p[0])
    for (p[1] = s1.lo; p[1] < s1.hi; ++p[1])
      for (p[2] = s2.lo; p[2] < s2.hi; ++p[2]) {
        const int64_t at = input_at(w, n, p, c);
        const float v = x[at];
        if (best < 0 || v > best_value) {
          best = at;
          best_value = v;
        }
      }
  return best;
}

/// The number of input cells window `o` covers, and their sum.
__device__ int64_t window_sum(const PoolWindow& w, const float* x, int64_t n, const int64_t (&o)[kDims], int64_t c,
                              double& sum) {
  const Span s0 = window_span(w, 0, o[0]), s1 = window_span(w, 1, o[1]), s2 = window_span(w, 2, o[2]);
  sum = 0;
  int64_t p[kDims];
  for (p[0] = s0.lo; p[0] < s0.hi; ++p[0])
    for (p[1] = s1.lo; p[1] < s1.hi; ++p[1])
      for (p[2] = s2.lo; p[2] < s2.hi; ++p[2]) sum += x[input_at(w, n, p, c)];
  return max(s0.hi - s0.lo, int64_t{0}) * max(s1.hi - s1.lo, int64_t{0}) * max(s2.hi - s2.lo, int64_t{0});
}

__device__ inline int64_t window_cells(const PoolWindow& w, const int64_t (&o)[kDims]) {
  int64_t cells = 1;
  for (int d = 0; d < kDims; ++d) {
    const Span s = window_span(w, d, o[d]);
    cells *= max(s.hi - s.lo, int64_t{0});
  }
  return cells;
}

template <PoolKind kKind>
__global__ void pool_forward_kernel(PoolWindow w, const float* x, float* y) {
  const int64_t total = w.batch * w.out[0] * w.out[1] * w.out[2] * w.channels;
  for (int64_t e = global_thread(); e < total; e += grid_threads()) {
    int64_t rem = e;
    const int64_t c = rem % w.channels;
    rem /= w.channels;
    int64_t o[kDims];
    for (int d = kDims - 1; d >= 0; --d) {
      o[d] = rem % w.out[d];
      rem /= w.out[d];
    }
    const int64_t n = rem;
    if constexpr (kKind == PoolKind::max) {
      const int64_t at = window_argmax(w, x, n, o, c);
      y[e] = at >= 0 ? x[at] : -INFINITY;
    } else {
      double sum;
      const int64_t cells = window_sum(w, x, n, o, c, sum);
      y[e] = cells > 0 ? static_cast<float>(sum / static_cast<double>(cells)) : 0.f;
    }
  }
}

template <PoolKind kKind>
__global__ void pool_backward_kernel(PoolWindow w, const float* x, const float* dy, float* dx) {
  const int64_t total = w.batch * w.in[0] * w.in[1] * w.in[2] * w.channels;
  for (int64_t e = global_thread(); e < total; e += grid_threads()) {
    int64_t rem = e;
    const int64_t c = rem % w.channels;
    rem /= w.channels;
    int64_t p[kDims], first[kDims], last[kDims];
    for (int d = kDims - 1; d >= 0; --d) {
      p[d] = rem % w.in[d];
      rem /= w.in[d];
    }
    const int64_t n = rem;
    // Window o covers p when o * stride - pad <= p < o * stride - pad + kernel.
    for (int d = 0; d < kDims; ++d) {
      first[d] = max(ceil_div(p[d] + w.pad[d] - w.kernel[d] + 1, w.stride[d]), int64_t{0});
      last[d] = min(floor_div(p[d] + w.pad[d], w.stride[d]), w.out[d] - 1);
    }
    double grad = 0;
    int64_t o[kDims];
    for (o[0] = first[0]; o[0] <= last[0]; ++o[0])
      for (o[1] = first[1]; o[1] <= last[1]; ++o[1])
        for (o[2] = first[2]; o[2] <= last[2]; ++o[2]) {
          const int64_t y_at = (((n * w.out[0] + o[0]) * w.out[1] + o[1]) * w.out[2] + o[2]) * w.channels + c;
          if constexpr (kKind == PoolKind::max) {
            if (window_argmax(w, x, n, o, c) == e) grad += dy[y_at];
          } else {
            grad += static_cast<double>(dy[y_at]) / static_cast<double>(window_cells(w, o));
          }
        }
    dx[e] = static_cast<float>(grad);
  }
}

}  // namespace

void pool_forward(PoolKind kind, const WindowGeometry& g, const float* x, float* y, cudaStream_t stream) {
  const PoolWindow w = window_of(g);
  const int64_t total = w.batch * w.out[0] * w.out[1] * w.out[2] * w.channels;
  if (total == 0) return;
  if (kind == PoolKind::max) pool_forward_kernel<PoolKind::max><<<blocks_for(total), kThreads, 0, stream>>>(w, x, y);
  else pool_forward_kernel<PoolKind::average><<<blocks_for(total), kThreads, 0, stream>>>(w, x, y);
  check(cudaGetLastError(), "pool_forward kernel launch");
}

void pool_backward(PoolKind kind, const WindowGeometry& g, const float* x, const float* dy, float* dx,
                   cudaStream_t stream) {
  const PoolWindow w = window_of(g);
  const int64_t total = w.batch * w.in[0] * w.in[1] * w.in[2] * w.channels;
  if (total == 0) return;
  if (kind == PoolKind::max)
    pool_backward_kernel<PoolKind::max><<<blocks_for(total), kThreads, 0, stream>>>(w, x, dy, dx);
  else pool_backward_kernel<PoolKind::average><<<blocks_for(total), kThreads, 0, stream>>>(w, x, dy, dx);
  check(cudaGetLastError(), "pool_backward kernel launch");
}

}  // namespace keras::backend::cuda::kernels
