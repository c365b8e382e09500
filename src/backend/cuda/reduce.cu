// Reductions, argmax and softmax over the middle axis of x viewed as [outer, reduced, inner],
// with the CPU's (cpu/ref/reduce.cpp, cpu/ref/softmax.cpp) and the reference's formulas.
//
// Two shapes of work. A thread per output element walks its column down the reduced axis:
// with inner > 1 neighbouring threads read neighbouring addresses. A block per output
// element (reduce: per tile of outputs, see below) splits the axis among its threads and
// combines their partial results pairwise in shared memory: for contiguous rows
// (inner == 1), and for long axes with too few outputs to give every core a thread. Every
// combination runs in an order fixed by the shape alone, so a result is the same from
// run to run.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <type_traits>

#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"
#include "keras/errors.h"

namespace keras::backend::cuda::kernels {

namespace {

constexpr int kThreads = 256;         // per block, thread-per-element kernels
constexpr int kMaxTreeThreads = 256;  // per block, block-per-output kernels (a power of two)

/// Blocks for a grid-stride loop over `n` items; past the cap each thread takes several.
unsigned blocks_for(int64_t n, int threads = kThreads) {
  return static_cast<unsigned>(std::clamp<int64_t>((n + threads - 1) / threads, 1, int64_t{1} << 20));
}

/// The smallest power of two of at least `reduced` threads, from one warp to kMaxTreeThreads.
int tree_threads(int64_t reduced) {
  int t = 32;
  while (t < kMaxTreeThreads && t < reduced) t *= 2;
  return t;
}

/// Whether a block per output element beats a thread per output element (argmax,
/// softmax): contiguous rows of at least a warp's length, or an axis long enough that a
/// few thousand threads walking it alone would leave most of the GPU idle.
bool block_per_output(int64_t outer, int64_t reduced, int64_t inner) {
  return (inner == 1 && reduced >= 32) || (reduced >= 1024 && outer * inner < 4096);
}

__device__ inline int64_t global_thread() { return blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; }
__device__ inline int64_t grid_threads() { return static_cast<int64_t>(gridDim.x) * blockDim.x; }
__device__ inline bool is_nan(float v) { return v != v; }

// Reducers: load turns an element into the accumulator type, combine folds two
// accumulators (the first comes earlier in the row), store gives the result.

/// Float sums accumulate in double, as the CPU's long rows and the reference do; integer
/// sums wrap in 64 bits, so int32 sums end as the reference's int64 sum cast to int32.
template <class T>
struct SumOf {
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, unsigned long long>;
  __device__ static Acc load(T v) { return static_cast<Acc>(v); }
  __device__ static Acc combine(Acc a, Acc b) { return a + b; }
  __device__ static T store(Acc a) { return static_cast<T>(a); }
};

/// std::max(acc, v): a NaN never replaces the accumulator, so max ignores NaN (as the CPU does).
template <class T>
struct MaxOf {
  using Acc = T;
  __device__ static Acc load(T v) { return v; }
  __device__ static Acc combine(Acc a, Acc b) { return a < b ? b : a; }
  __device__ static T store(Acc a) { return a; }
};

/// std::min(acc, v), NaN ignored likewise.
template <class T>
struct MinOf {
  using Acc = T;
  __device__ static Acc load(T v) { return v; }
  __device__ static Acc combine(Acc a, Acc b) { return b < a ? b : a; }
  __device__ static T store(Acc a) { return a; }
};

struct Candidate {
  float value;
  int64_t index;
};

/// The first NaN, else the first largest value: of two candidates the NaN one, else the
/// larger, else (equal, or both NaN) the one earlier in the row. That is a fixed choice
/// whatever the pairing, so the tree gives what the reference's scan gives.
struct FirstMax {
  using Acc = Candidate;
  __device__ static Acc combine(Acc a, Acc b) {
    const bool a_nan = is_nan(a.value), b_nan = is_nan(b.value);
    if (a_nan != b_nan) return a_nan ? a : b;
    if (!a_nan && a.value != b.value) return a.value > b.value ? a : b;
    return a.index <= b.index ? a : b;
  }
};

/// Combines the threads' `mine` pairwise in shared memory, column by column: thread t
/// holds lane t / cols of column t % cols (blockDim.x and cols powers of two, blockDim.x
/// at most kMaxTreeThreads). Every thread gets its column's total.
template <class R>
__device__ typename R::Acc combine_lanes(typename R::Acc* partial, typename R::Acc mine, unsigned cols = 1) {
  partial[threadIdx.x] = mine;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s >= cols; s >>= 1) {
    if (threadIdx.x < s) partial[threadIdx.x] = R::combine(partial[threadIdx.x], partial[threadIdx.x + s]);
    __syncthreads();
  }
  const typename R::Acc total = partial[threadIdx.x % cols];
  __syncthreads();  // the next call overwrites partial
  return total;
}

// ---- reduce
//
// Short axes, and many outputs side by side (inner > 1), take a thread per output
// element. The rest go by tiles: a block takes `cols` adjacent output columns (1 for
// contiguous rows), its threads `cols` wide so that a warp reads whole sectors, and walks
// the reduced axis in lanes. When those tiles are too few to keep the GPU busy (a
// per-channel sum over [rows, channels], a sum of everything), the axis is also split
// into chunks: each block leaves its chunk's partial result in a scratch buffer, and a
// second kernel combines the chunks in order.

/// Partial results of split reductions. A __device__ array needs no allocation; every
/// call shares it, which is safe because the calls' kernels run in stream order and
/// `scratch_mutex` keeps another thread's launches from falling between a call's two.
constexpr size_t kScratchBytes = size_t{1} << 20;
__device__ double reduce_scratch[kScratchBytes / sizeof(double)];
std::mutex scratch_mutex;

constexpr int64_t kBusyBlocks = 1024;   // blocks that keep every SM of a large GPU at work
constexpr int64_t kRowsPerThread = 16;  // the least a thread of a split block walks

struct ReduceTiles {
  int cols = 1, threads = kMaxTreeThreads;
  int64_t col_tiles = 1;  // tiles across inner
  int64_t chunk = 0;      // rows of the reduced axis per block
  int64_t splits = 1;     // chunks of the reduced axis
};

ReduceTiles plan_tiles(int64_t outer, int64_t reduced, int64_t inner, size_t acc_bytes) {
  ReduceTiles p;
  while (p.cols < 32 && p.cols < inner) p.cols *= 2;
  p.threads = inner == 1 ? tree_threads(reduced) : kMaxTreeThreads;
  p.col_tiles = (inner + p.cols - 1) / p.cols;
  const int64_t tiles = outer * p.col_tiles, lanes = p.threads / p.cols;
  int64_t splits = 1;
  if (tiles < kBusyBlocks) {
    splits = std::min((kBusyBlocks + tiles - 1) / tiles, reduced / (lanes * kRowsPerThread));
    splits = std::min<int64_t>(splits, static_cast<int64_t>(kScratchBytes / acc_bytes) / (outer * inner));
    splits = std::max<int64_t>(splits, 1);
  }
  p.chunk = (reduced + splits - 1) / splits;
  p.splits = (reduced + p.chunk - 1) / p.chunk;
  return p;
}

template <class R, class T>
__global__ void reduce_thread_per_output(const T* x, int64_t outer, int64_t reduced, int64_t inner,
                                         typename R::Acc identity, T* out) {
  const int64_t n = outer * inner;
  for (int64_t e = global_thread(); e < n; e += grid_threads()) {
    const int64_t o = e / inner, j = e - o * inner;
    const T* column = x + o * reduced * inner + j;
    typename R::Acc acc = identity;
    for (int64_t i = 0; i < reduced; ++i) acc = R::combine(acc, R::load(column[i * inner]));
    out[e] = R::store(acc);
  }
}

/// A block per (tile, chunk): the result when the axis is not split, else the chunk's
/// partial result, at [chunk][outer][inner] of the scratch.
template <class R, class T>
__global__ void reduce_tiles(const T* x, int64_t outer, int64_t reduced, int64_t inner, ReduceTiles p,
                             typename R::Acc identity, T* out) {
  using Acc = typename R::Acc;
  __shared__ Acc partial[kMaxTreeThreads];
  const int col = threadIdx.x % p.cols, lane = threadIdx.x / p.cols, lanes = blockDim.x / p.cols;
  const int64_t blocks = outer * p.col_tiles * p.splits;
  for (int64_t b = blockIdx.x; b < blocks; b += gridDim.x) {
    const int64_t chunk = b % p.splits, tile = b / p.splits;
    const int64_t o = tile / p.col_tiles, j = tile % p.col_tiles * p.cols + col;
    const int64_t begin = chunk * p.chunk, end = min(reduced, begin + p.chunk);
    Acc acc = identity;
    if (j < inner) {
      const T* column = x + o * reduced * inner + j;
      for (int64_t i = begin + lane; i < end; i += lanes) acc = R::combine(acc, R::load(column[i * inner]));
    }
    acc = combine_lanes<R>(partial, acc, p.cols);
    if (lane != 0 || j >= inner) continue;
    if (p.splits == 1) out[o * inner + j] = R::store(acc);
    else reinterpret_cast<Acc*>(reduce_scratch)[(chunk * outer + o) * inner + j] = acc;
  }
}

/// out[e] = the chunks' partial results for output e combined in chunk order.
template <class R, class T>
__global__ void reduce_chunks(int64_t n, int64_t splits, T* out) {
  using Acc = typename R::Acc;
  const Acc* partials = reinterpret_cast<const Acc*>(reduce_scratch);
  for (int64_t e = global_thread(); e < n; e += grid_threads()) {
    Acc acc = partials[e];
    for (int64_t c = 1; c < splits; ++c) acc = R::combine(acc, partials[c * n + e]);
    out[e] = R::store(acc);
  }
}

template <class R, class T>
void launch_reduce(const T* x, int64_t outer, int64_t reduced, int64_t inner, typename R::Acc identity, T* out,
                   cudaStream_t stream) {
  const int64_t n = outer * inner;
  if (reduced < 32 || (inner > 1 && n >= 65536)) {
    reduce_thread_per_output<R><<<blocks_for(n), kThreads, 0, stream>>>(x, outer, reduced, inner, identity, out);
    return;
  }
  const ReduceTiles p = plan_tiles(outer, reduced, inner, sizeof(typename R::Acc));
  const int64_t blocks = outer * p.col_tiles * p.splits;
  if (p.splits == 1) {
    reduce_tiles<R><<<blocks_for(blocks, 1), p.threads, 0, stream>>>(x, outer, reduced, inner, p, identity, out);
    return;
  }
  std::lock_guard<std::mutex> lock(scratch_mutex);
  reduce_tiles<R><<<blocks_for(blocks, 1), p.threads, 0, stream>>>(x, outer, reduced, inner, p, identity, out);
  reduce_chunks<R><<<blocks_for(n), kThreads, 0, stream>>>(n, p.splits, out);
}

template <class T>
void reduce_typed(ReduceOp op, const void* x, int64_t outer, int64_t reduced, int64_t inner, void* out,
                  cudaStream_t stream) {
  const T* px = static_cast<const T*>(x);
  T* po = static_cast<T*>(out);
  switch (op) {
    case ReduceOp::sum:
      return launch_reduce<SumOf<T>>(px, outer, reduced, inner, typename SumOf<T>::Acc(0), po, stream);
    case ReduceOp::max:  // an empty max is the lowest value, as on the CPU
      return launch_reduce<MaxOf<T>>(px, outer, reduced, inner, std::numeric_limits<T>::lowest(), po, stream);
    case ReduceOp::min:
      return launch_reduce<MinOf<T>>(px, outer, reduced, inner, std::numeric_limits<T>::max(), po, stream);
  }
}

// ---- argmax

__global__ void argmax_thread_per_output(const float* x, int64_t outer, int64_t reduced, int64_t inner, int64_t* out) {
  const int64_t n = outer * inner;
  for (int64_t e = global_thread(); e < n; e += grid_threads()) {
    const int64_t o = e / inner, j = e - o * inner;
    const float* column = x + o * reduced * inner + j;
    Candidate best{column[0], 0};
    for (int64_t i = 1; i < reduced; ++i) best = FirstMax::combine(best, {column[i * inner], i});
    out[e] = best.index;
  }
}

__global__ void argmax_block_per_output(const float* x, int64_t outer, int64_t reduced, int64_t inner, int64_t* out) {
  __shared__ Candidate partial[kMaxTreeThreads];
  const int64_t n = outer * inner;
  // Below every value and after every index: a thread with no element loses to any other.
  const Candidate nothing{-INFINITY, INT64_MAX};
  for (int64_t e = blockIdx.x; e < n; e += gridDim.x) {
    const int64_t o = e / inner, j = e - o * inner;
    const float* column = x + o * reduced * inner + j;
    Candidate best = nothing;
    for (int64_t i = threadIdx.x; i < reduced; i += blockDim.x) best = FirstMax::combine(best, {column[i * inner], i});
    best = combine_lanes<FirstMax>(partial, best);
    if (threadIdx.x == 0) out[e] = best.index;
  }
}

// ---- softmax

/// y for one row or column of `axis` values `stride` apart, given its max m and the sum s
/// of exp(x - m): the CPU's formulas (exp in float, s in double).
__device__ inline void softmax_write(const float* x, float* y, int64_t begin, int64_t end, int64_t step, int64_t stride,
                                     float m, double s, bool log) {
  if (log) {
    const float log_sum = static_cast<float>(::log(s)) + m;
    for (int64_t i = begin; i < end; i += step) y[i * stride] = x[i * stride] - log_sum;
  } else {
    const float inv = static_cast<float>(1.0 / s);
    for (int64_t i = begin; i < end; i += step) y[i * stride] = expf(x[i * stride] - m) * inv;
  }
}

__global__ void softmax_thread_per_column(const float* x, int64_t outer, int64_t axis, int64_t inner, bool log,
                                          float* y) {
  const int64_t n = outer * inner;
  for (int64_t e = global_thread(); e < n; e += grid_threads()) {
    const int64_t o = e / inner, j = e - o * inner;
    const int64_t base = o * axis * inner + j;
    float m = -INFINITY;
    for (int64_t i = 0; i < axis; ++i) m = MaxOf<float>::combine(m, x[base + i * inner]);
    double s = 0;
    for (int64_t i = 0; i < axis; ++i) s += expf(x[base + i * inner] - m);
    softmax_write(x + base, y + base, 0, axis, 1, inner, m, s, log);
  }
}

__global__ void softmax_block_per_column(const float* x, int64_t outer, int64_t axis, int64_t inner, bool log,
                                         float* y) {
  __shared__ float partial_max[kMaxTreeThreads];
  __shared__ double partial_sum[kMaxTreeThreads];
  const int64_t n = outer * inner;
  for (int64_t e = blockIdx.x; e < n; e += gridDim.x) {
    const int64_t o = e / inner, j = e - o * inner;
    const float* q = x + o * axis * inner + j;
    float m = -INFINITY;
    for (int64_t i = threadIdx.x; i < axis; i += blockDim.x) m = MaxOf<float>::combine(m, q[i * inner]);
    m = combine_lanes<MaxOf<float>>(partial_max, m);
    double s = 0;
    for (int64_t i = threadIdx.x; i < axis; i += blockDim.x) s += expf(q[i * inner] - m);
    s = combine_lanes<SumOf<float>>(partial_sum, s);
    softmax_write(q, y + o * axis * inner + j, threadIdx.x, axis, blockDim.x, inner, m, s, log);
  }
}

/// dx for one row or column, given s: sum(dy) for log-softmax (dx = dy - exp(y) s),
/// sum(dy * y) for softmax (dx = y (dy - s)).
__device__ inline void softmax_backward_write(const float* y, const float* dy, float* dx, int64_t begin, int64_t end,
                                              int64_t step, int64_t stride, double s, bool log) {
  const float sf = static_cast<float>(s);
  for (int64_t i = begin; i < end; i += step) {
    const int64_t at = i * stride;
    dx[at] = log ? dy[at] - expf(y[at]) * sf : y[at] * (dy[at] - sf);
  }
}

__device__ inline double softmax_backward_term(const float* y, const float* dy, int64_t at, bool log) {
  return log ? static_cast<double>(dy[at]) : static_cast<double>(dy[at] * y[at]);
}

__global__ void softmax_backward_thread_per_column(const float* y, const float* dy, int64_t outer, int64_t axis,
                                                   int64_t inner, bool log, float* dx) {
  const int64_t n = outer * inner;
  for (int64_t e = global_thread(); e < n; e += grid_threads()) {
    const int64_t o = e / inner, j = e - o * inner;
    const int64_t base = o * axis * inner + j;
    double s = 0;
    for (int64_t i = 0; i < axis; ++i) s += softmax_backward_term(y + base, dy + base, i * inner, log);
    softmax_backward_write(y + base, dy + base, dx + base, 0, axis, 1, inner, s, log);
  }
}

__global__ void softmax_backward_block_per_column(const float* y, const float* dy, int64_t outer, int64_t axis,
                                                  int64_t inner, bool log, float* dx) {
  __shared__ double partial[kMaxTreeThreads];
  const int64_t n = outer * inner;
  for (int64_t e = blockIdx.x; e < n; e += gridDim.x) {
    const int64_t o = e / inner, j = e - o * inner;
    const int64_t base = o * axis * inner + j;
    double s = 0;
    for (int64_t i = threadIdx.x; i < axis; i += blockDim.x)
      s += softmax_backward_term(y + base, dy + base, i * inner, log);
    s = combine_lanes<SumOf<float>>(partial, s);
    softmax_backward_write(y + base, dy + base, dx + base, threadIdx.x, axis, blockDim.x, inner, s, log);
  }
}

}  // namespace

void reduce(ReduceOp op, DType dtype, const void* x, int64_t outer, int64_t reduced, int64_t inner, void* out,
            cudaStream_t stream) {
  if (outer * inner == 0) return;
  switch (dtype) {
    case DType::float32:
      reduce_typed<float>(op, x, outer, reduced, inner, out, stream);
      break;
    case DType::float64:
      reduce_typed<double>(op, x, outer, reduced, inner, out, stream);
      break;
    case DType::int32:
      reduce_typed<int32_t>(op, x, outer, reduced, inner, out, stream);
      break;
    case DType::int64:
      reduce_typed<int64_t>(op, x, outer, reduced, inner, out, stream);
      break;
    default:
      throw TypeError(detail::cat("reduce on CUDA: dtype ", dtype_name(dtype), " is not supported"));
  }
  check(cudaGetLastError(), "reduce kernel launch");
}

void argmax(const float* x, int64_t outer, int64_t reduced, int64_t inner, int64_t* out, cudaStream_t stream) {
  const int64_t n = outer * inner;
  if (n == 0) return;
  if (reduced == 0) {  // no element to pick: index 0, as the reference writes
    check(cudaMemsetAsync(out, 0, static_cast<size_t>(n) * sizeof(int64_t), stream), "argmax cudaMemsetAsync");
    return;
  }
  if (block_per_output(outer, reduced, inner))
    argmax_block_per_output<<<blocks_for(n, 1), tree_threads(reduced), 0, stream>>>(x, outer, reduced, inner, out);
  else argmax_thread_per_output<<<blocks_for(n), kThreads, 0, stream>>>(x, outer, reduced, inner, out);
  check(cudaGetLastError(), "argmax kernel launch");
}

void softmax(const float* x, int64_t outer, int64_t axis, int64_t inner, bool log, float* y, cudaStream_t stream) {
  const int64_t n = outer * inner;
  if (n == 0 || axis == 0) return;
  if (block_per_output(outer, axis, inner))
    softmax_block_per_column<<<blocks_for(n, 1), tree_threads(axis), 0, stream>>>(x, outer, axis, inner, log, y);
  else softmax_thread_per_column<<<blocks_for(n), kThreads, 0, stream>>>(x, outer, axis, inner, log, y);
  check(cudaGetLastError(), "softmax kernel launch");
}

void softmax_backward(const float* y, const float* dy, int64_t outer, int64_t axis, int64_t inner, bool log, float* dx,
                      cudaStream_t stream) {
  const int64_t n = outer * inner;
  if (n == 0 || axis == 0) return;
  if (block_per_output(outer, axis, inner))
    softmax_backward_block_per_column<<<blocks_for(n, 1), tree_threads(axis), 0, stream>>>(y, dy, outer, axis, inner,
                                                                                           log, dx);
  else softmax_backward_thread_per_column<<<blocks_for(n), kThreads, 0, stream>>>(y, dy, outer, axis, inner, log, dx);
  check(cudaGetLastError(), "softmax_backward kernel launch");
}

}  // namespace keras::backend::cuda::kernels
