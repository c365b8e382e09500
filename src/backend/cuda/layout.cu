// Data movement on the GPU: transpose, copy_slab (concatenate, split, pad, crop), take_rows
// (gather), scatter_add_rows and one_hot. Elements are moved as unsigned words of their
// size (any dtype of 1, 2, 4 or 8 bytes), and contiguous runs as the widest word their
// alignment allows (up to 16 bytes), since the copies are bound by memory traffic alone.
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <bit>
#include <cstdint>

#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"
#include "keras/errors.h"

namespace keras::backend::cuda::kernels {

namespace {

using keras::detail::cat;

constexpr int kThreads = 256;

unsigned blocks_for(int64_t n, int threads = kThreads) {
  return static_cast<unsigned>(std::clamp<int64_t>((n + threads - 1) / threads, 1, int64_t{1} << 20));
}

__device__ inline int64_t global_thread() { return blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; }
__device__ inline int64_t grid_threads() { return static_cast<int64_t>(gridDim.x) * blockDim.x; }

/// Calls f with a value of the unsigned word type of `bytes` bytes (uint4 for 16);
/// another size is an error of `what`.
template <class F>
void with_word_of_size(int bytes, const char* what, F&& f) {
  switch (bytes) {
    case 1:
      return f(uint8_t{});
    case 2:
      return f(uint16_t{});
    case 4:
      return f(uint32_t{});
    case 8:
      return f(uint64_t{});
    case 16:
      return f(uint4{});
    default:
      throw ValueError(cat(what, ": no word of ", bytes, " bytes (1, 2, 4, 8 or 16)"));
  }
}

// ---- strided copies (transpose, copy_slab)

/// A copy between a contiguous side, walked in order (element e), and a strided side:
/// element e's multi-index over `dims` (row-major), dotted with `strides`, plus `offset`.
/// A plain struct of C arrays, passed by value as a kernel parameter.
struct StridedWalk {
  int rank = 0;
  int64_t dims[kMaxPlanRank] = {}, strides[kMaxPlanRank] = {};
  int64_t offset = 0, size = 0;
};

/// Gathers (dst[e] = src[at(e)]) or, with kScatter, scatters (dst[at(e)] = src[e]). Index
/// is uint32_t when every position fits, which makes the per-dim division much cheaper.
template <class Word, class Index, bool kScatter>
__global__ void strided_copy(const Word* src, Word* dst, StridedWalk w) {
  const auto n = static_cast<Index>(w.size);
  const auto step = static_cast<Index>(grid_threads());
  for (auto e = static_cast<Index>(global_thread()); e < n; e += step) {
    Index rem = e, at = static_cast<Index>(w.offset);
    for (int k = w.rank - 1; k >= 0; --k) {
      const auto d = static_cast<Index>(w.dims[k]);
      const Index q = rem / d;
      at += (rem - q * d) * static_cast<Index>(w.strides[k]);
      rem = q;
    }
    if constexpr (kScatter) dst[at] = src[e];
    else dst[e] = src[at];
  }
}

/// Moves whole words of `unit` bytes instead of elements where the walk allows it: the
/// last dim contiguous on the strided side too, and every stride, the offset, that dim's
/// length and both pointers multiples of the word. Returns the bytes per moved item.
int widen(StridedWalk& w, int element_size, const void* a, const void* b) {
  const int last = w.rank - 1;
  if (w.strides[last] != 1) return element_size;
  for (int unit = 16; unit > element_size; unit /= 2) {
    const int64_t ratio = unit / element_size;
    bool ok = w.dims[last] % ratio == 0 && w.offset % ratio == 0 && reinterpret_cast<uintptr_t>(a) % unit == 0 &&
              reinterpret_cast<uintptr_t>(b) % unit == 0;
    for (int k = 0; ok && k < last; ++k) ok = w.strides[k] % ratio == 0;
    if (!ok) continue;
    w.dims[last] /= ratio;
    for (int k = 0; k < last; ++k) w.strides[k] /= ratio;
    w.offset /= ratio;
    w.size /= ratio;
    return unit;
  }
  return element_size;
}

/// The largest position the walk reaches on its strided side, plus one.
int64_t strided_extent(const StridedWalk& w) {
  int64_t last = w.offset;
  for (int k = 0; k < w.rank; ++k) last += (w.dims[k] - 1) * w.strides[k];
  return last + 1;
}

template <class Word, bool kScatter>
void launch_strided_copy(const void* src, void* dst, const StridedWalk& w, cudaStream_t stream) {
  const auto* s = static_cast<const Word*>(src);
  auto* d = static_cast<Word*>(dst);
  // Positions below 2^31 leave the 32-bit loop headroom for its grid-sized step.
  const int64_t limit = int64_t{1} << 31;
  if (w.size < limit && strided_extent(w) < limit)
    strided_copy<Word, uint32_t, kScatter><<<blocks_for(w.size), kThreads, 0, stream>>>(s, d, w);
  else strided_copy<Word, int64_t, kScatter><<<blocks_for(w.size), kThreads, 0, stream>>>(s, d, w);
}

/// The walk of `element_size`-byte elements from src to dst (gather) or the reverse
/// (scatter); a single contiguous run is one memcpy.
template <bool kScatter>
void strided_copy_any(const void* src, void* dst, int element_size, StridedWalk w, cudaStream_t stream,
                      const char* what) {
  if (w.size == 0) return;
  if (w.rank == 1 && w.strides[0] == 1) {
    const auto* s = static_cast<const char*>(src);
    auto* d = static_cast<char*>(dst);
    const size_t offset = static_cast<size_t>(w.offset) * element_size;
    check(cudaMemcpyAsync(kScatter ? d + offset : d, kScatter ? s : s + offset,
                          static_cast<size_t>(w.size) * element_size, cudaMemcpyDeviceToDevice, stream),
          what);
    return;
  }
  with_word_of_size(widen(w, element_size, src, dst), what,
                    [&](auto word) { launch_strided_copy<decltype(word), kScatter>(src, dst, w, stream); });
  check(cudaGetLastError(), what);
}

// ---- tiled transpose

constexpr int kTile = 32, kTileRows = 8;

/// A transpose whose input-contiguous dim (`a`, in_stride 1) is not the output's last dim
/// (`b`): 32 x 32 tiles go through shared memory, read along a and written along b, so
/// both sides are coalesced. The remaining dims pick the tile's plane.
struct TiledTranspose {
  int64_t a_size = 0, b_size = 0, b_in_stride = 0, a_out_stride = 0;
  int rest_rank = 0;
  int64_t rest_dims[kMaxPlanRank] = {}, rest_in_stride[kMaxPlanRank] = {}, rest_out_stride[kMaxPlanRank] = {};
  int64_t tiles_a = 0, tiles_b = 0, tiles = 0;
};

template <class Word>
__global__ void transpose_tiled(const Word* x, Word* out, TiledTranspose t) {
  __shared__ Word tile[kTile][kTile + 1];  // [b][a]; the extra column keeps columns off one bank
  for (int64_t id = blockIdx.x; id < t.tiles; id += gridDim.x) {
    int64_t rem = id;
    const int64_t b0 = rem % t.tiles_b * kTile;
    rem /= t.tiles_b;
    const int64_t a0 = rem % t.tiles_a * kTile;
    rem /= t.tiles_a;
    int64_t in_base = 0, out_base = 0;
    for (int k = t.rest_rank - 1; k >= 0; --k) {
      const int64_t i = rem % t.rest_dims[k];
      rem /= t.rest_dims[k];
      in_base += i * t.rest_in_stride[k];
      out_base += i * t.rest_out_stride[k];
    }
    for (int r = threadIdx.y; r < kTile; r += kTileRows) {
      const int64_t a = a0 + threadIdx.x, b = b0 + r;
      if (a < t.a_size && b < t.b_size) tile[r][threadIdx.x] = x[in_base + a + b * t.b_in_stride];
    }
    __syncthreads();
    for (int r = threadIdx.y; r < kTile; r += kTileRows) {
      const int64_t a = a0 + r, b = b0 + threadIdx.x;
      if (a < t.a_size && b < t.b_size) out[out_base + a * t.a_out_stride + b] = tile[threadIdx.x][r];
    }
    __syncthreads();  // the next tile overwrites this one
  }
}

/// The tiling of `plan`, or tiles == 0 where tiles do not pay: the output's last dim
/// already contiguous in the input (rows are copied as they are), no dim contiguous in
/// the input, or a tile side under half full.
TiledTranspose plan_tiles(const TransposePlan& plan) {
  TiledTranspose t;
  const int last = plan.rank - 1;
  if (plan.rank < 2 || plan.in_stride[static_cast<size_t>(last)] == 1) return t;
  int a_dim = -1;
  for (int k = 0; k < last; ++k)
    if (plan.in_stride[static_cast<size_t>(k)] == 1) a_dim = k;
  if (a_dim < 0) return t;
  int64_t out_stride[kMaxPlanRank];
  out_stride[last] = 1;
  for (int k = last; k-- > 0;) out_stride[k] = out_stride[k + 1] * plan.dims[static_cast<size_t>(k + 1)];
  t.a_size = plan.dims[static_cast<size_t>(a_dim)];
  t.b_size = plan.dims[static_cast<size_t>(last)];
  if (t.a_size < kTile / 2 || t.b_size < kTile / 2) return t;
  t.b_in_stride = plan.in_stride[static_cast<size_t>(last)];
  t.a_out_stride = out_stride[a_dim];
  int64_t planes = 1;
  for (int k = 0; k < last; ++k) {
    if (k == a_dim) continue;
    t.rest_dims[t.rest_rank] = plan.dims[static_cast<size_t>(k)];
    t.rest_in_stride[t.rest_rank] = plan.in_stride[static_cast<size_t>(k)];
    t.rest_out_stride[t.rest_rank] = out_stride[k];
    planes *= plan.dims[static_cast<size_t>(k)];
    ++t.rest_rank;
  }
  t.tiles_a = (t.a_size + kTile - 1) / kTile;
  t.tiles_b = (t.b_size + kTile - 1) / kTile;
  t.tiles = t.tiles_a * t.tiles_b * planes;
  return t;
}

template <class Word>
void launch_tiled(const void* x, void* out, const TiledTranspose& t, cudaStream_t stream) {
  transpose_tiled<Word><<<blocks_for(t.tiles, 1), dim3(kTile, kTileRows), 0, stream>>>(static_cast<const Word*>(x),
                                                                                       static_cast<Word*>(out), t);
}

// ---- rows

template <class Word, class Index>
__global__ void take_rows_kernel(const Word* x, int64_t rows, int64_t words_per_row, const Index* index, int64_t count,
                                 Word* out) {
  const int64_t n = count * words_per_row;
  for (int64_t e = global_thread(); e < n; e += grid_threads()) {
    const int64_t i = e / words_per_row, w = e - i * words_per_row;
    const auto r = static_cast<int64_t>(index[i]);
    out[e] = r >= 0 && r < rows ? x[r * words_per_row + w] : Word{};
  }
}

template <class Index>
void take_rows_indexed(const void* x, int64_t rows, int64_t row_bytes, const Index* index, int64_t count, void* out,
                       cudaStream_t stream) {
  // The widest word that divides the row and both pointers' alignment.
  int unit = 16;
  while (unit > 1 && (row_bytes % unit != 0 || reinterpret_cast<uintptr_t>(x) % unit != 0 ||
                      reinterpret_cast<uintptr_t>(out) % unit != 0))
    unit /= 2;
  const int64_t words = row_bytes / unit, n = count * words;
  with_word_of_size(unit, "take_rows", [&](auto word) {
    using Word = decltype(word);
    take_rows_kernel<<<blocks_for(n), kThreads, 0, stream>>>(static_cast<const Word*>(x), rows, words, index, count,
                                                             static_cast<Word*>(out));
  });
}

template <class Index>
__global__ void scatter_add_rows_kernel(const float* src, const Index* index, int64_t count, int64_t row_size,
                                        float* out, int64_t out_rows) {
  const int64_t n = count * row_size;
  for (int64_t e = global_thread(); e < n; e += grid_threads()) {
    const int64_t i = e / row_size, j = e - i * row_size;
    const auto r = static_cast<int64_t>(index[i]);
    if (r >= 0 && r < out_rows) atomicAdd(out + r * row_size + j, src[e]);
  }
}

// ---- one_hot

/// The class a float index names: truncated towards zero, as the reference's cast to
/// int64; -1 (none) outside (-1, depth) and for NaN, where that cast is undefined.
__device__ inline int64_t float_class(double v, int64_t depth) {
  return v > -1.0 && v < static_cast<double>(depth) ? static_cast<int64_t>(v) : -1;
}

/// The class index i of `indices` names (-1, or anything outside [0, depth), for none).
__device__ int64_t class_at(const void* indices, DType dtype, int64_t i, int64_t depth) {
  switch (dtype) {
    case DType::int32:
      return static_cast<const int32_t*>(indices)[i];
    case DType::int64:
      return static_cast<const int64_t*>(indices)[i];
    case DType::uint8:
      return static_cast<const uint8_t*>(indices)[i];
    case DType::bool_:
      return static_cast<const uint8_t*>(indices)[i] != 0 ? 1 : 0;
    case DType::float32:
      return float_class(static_cast<const float*>(indices)[i], depth);
    case DType::float64:
      return float_class(static_cast<const double*>(indices)[i], depth);
    case DType::float16:
      return float_class(__half2float(__ushort_as_half(static_cast<const unsigned short*>(indices)[i])), depth);
    case DType::bfloat16:  // the top half of a float32
      return float_class(__uint_as_float(static_cast<uint32_t>(static_cast<const uint16_t*>(indices)[i]) << 16), depth);
    default:
      return -1;
  }
}

/// out[i, k] = `one` (the output dtype's bits for 1) where k is index i's class, else 0.
template <class Word>
__global__ void one_hot_kernel(const void* indices, DType index_dtype, int64_t count, int64_t depth, Word one,
                               Word* out) {
  const int64_t n = count * depth;
  for (int64_t e = global_thread(); e < n; e += grid_threads()) {
    const int64_t i = e / depth, k = e - i * depth;
    out[e] = class_at(indices, index_dtype, i, depth) == k ? one : Word{0};
  }
}

template <class Word>
void launch_one_hot(const void* indices, DType index_dtype, int64_t count, int64_t depth, Word one, void* out,
                    cudaStream_t stream) {
  one_hot_kernel<Word><<<blocks_for(count * depth), kThreads, 0, stream>>>(indices, index_dtype, count, depth, one,
                                                                           static_cast<Word*>(out));
}

}  // namespace

void transpose(const void* x, void* out, int element_size, const TransposePlan& plan, cudaStream_t stream) {
  if (plan.size == 0) return;
  const TiledTranspose tiles = plan_tiles(plan);
  if (tiles.tiles > 0) {
    with_word_of_size(element_size, "transpose",
                      [&](auto word) { launch_tiled<decltype(word)>(x, out, tiles, stream); });
    check(cudaGetLastError(), "transpose kernel launch");
    return;
  }
  StridedWalk w;
  w.rank = plan.rank;
  for (int k = 0; k < plan.rank; ++k) {
    w.dims[k] = plan.dims[static_cast<size_t>(k)];
    w.strides[k] = plan.in_stride[static_cast<size_t>(k)];
  }
  w.size = plan.size;
  strided_copy_any<false>(x, out, element_size, w, stream, "transpose");
}

void copy_slab(const void* src, void* dst, int element_size, const SlabPlan& plan, bool extract, cudaStream_t stream) {
  // The walk goes over the small tensor in order; the big one is the strided side.
  StridedWalk w;
  w.rank = plan.rank;
  for (int k = 0; k < plan.rank; ++k) {
    w.dims[k] = plan.dims[static_cast<size_t>(k)];
    w.strides[k] = plan.big_stride[static_cast<size_t>(k)];
  }
  w.offset = plan.big_offset;
  w.size = plan.size;
  if (extract) strided_copy_any<false>(src, dst, element_size, w, stream, "copy_slab");
  else strided_copy_any<true>(src, dst, element_size, w, stream, "copy_slab");
}

void take_rows(const void* x, int64_t rows, int64_t row_bytes, const void* index, DType index_dtype, int64_t count,
               void* out, cudaStream_t stream) {
  if (count == 0 || row_bytes == 0) return;
  if (index_dtype == DType::int64)
    take_rows_indexed(x, rows, row_bytes, static_cast<const int64_t*>(index), count, out, stream);
  else if (index_dtype == DType::int32)
    take_rows_indexed(x, rows, row_bytes, static_cast<const int32_t*>(index), count, out, stream);
  else throw TypeError(cat("take_rows: index must be int32 or int64, got ", dtype_name(index_dtype)));
  check(cudaGetLastError(), "take_rows kernel launch");
}

void scatter_add_rows(const float* src, const void* index, DType index_dtype, int64_t count, int64_t row_size,
                      float* out, int64_t out_rows, cudaStream_t stream) {
  const int64_t n = count * row_size;
  if (n == 0) return;
  if (index_dtype == DType::int64)
    scatter_add_rows_kernel<<<blocks_for(n), kThreads, 0, stream>>>(src, static_cast<const int64_t*>(index), count,
                                                                    row_size, out, out_rows);
  else if (index_dtype == DType::int32)
    scatter_add_rows_kernel<<<blocks_for(n), kThreads, 0, stream>>>(src, static_cast<const int32_t*>(index), count,
                                                                    row_size, out, out_rows);
  else throw TypeError(cat("scatter_add_rows: index must be int32 or int64, got ", dtype_name(index_dtype)));
  check(cudaGetLastError(), "scatter_add_rows kernel launch");
}

void one_hot(const void* indices, DType index_dtype, int64_t count, int64_t depth, void* out, DType out_dtype,
             cudaStream_t stream) {
  if (index_dtype == DType::string) throw TypeError("one_hot: string indices are not numbers");
  if (count * depth == 0) return;
  switch (out_dtype) {
    case DType::float32:
      launch_one_hot(indices, index_dtype, count, depth, std::bit_cast<uint32_t>(1.f), out, stream);
      break;
    case DType::float64:
      launch_one_hot(indices, index_dtype, count, depth, std::bit_cast<uint64_t>(1.0), out, stream);
      break;
    case DType::int32:
      launch_one_hot(indices, index_dtype, count, depth, uint32_t{1}, out, stream);
      break;
    case DType::int64:
      launch_one_hot(indices, index_dtype, count, depth, uint64_t{1}, out, stream);
      break;
    case DType::uint8:
    case DType::bool_:
      launch_one_hot(indices, index_dtype, count, depth, uint8_t{1}, out, stream);
      break;
    // 1.0 as IEEE half (sign 0, exponent 15, mantissa 0) and as bfloat16 (float32's top half).
    case DType::float16:
      launch_one_hot(indices, index_dtype, count, depth, uint16_t{0x3C00}, out, stream);
      break;
    case DType::bfloat16:
      launch_one_hot(indices, index_dtype, count, depth, uint16_t{0x3F80}, out, stream);
      break;
    default:
      throw TypeError(cat("one_hot: output dtype ", dtype_name(out_dtype), " is not supported"));
  }
  check(cudaGetLastError(), "one_hot kernel launch");
}

}  // namespace keras::backend::cuda::kernels
