// Data movement: transpose, row gather/scatter, slab copies (concatenate), one-hot.
#include <cstring>

#include "backend/cpu/cpu_backend.h"

namespace keras::backend::cpu {

namespace {

template <class T>
void transpose_typed(const T* x, T* out, const std::vector<int64_t>& in_dims, const std::vector<int64_t>& perm) {
  const size_t r = perm.size();
  std::vector<int64_t> in_strides(r, 1), out_dims(r), src_stride(r);
  for (size_t i = r - 1; i-- > 0;) in_strides[i] = in_strides[i + 1] * in_dims[i + 1];
  for (size_t i = 0; i < r; ++i) {
    out_dims[i] = in_dims[static_cast<size_t>(perm[i])];
    src_stride[i] = in_strides[static_cast<size_t>(perm[i])];
  }
  const int64_t inner = out_dims[r - 1], inner_stride = src_stride[r - 1];
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < r; ++i) rows *= out_dims[i];
#pragma omp parallel for if (rows * inner > kParallelThreshold)
  for (int64_t row = 0; row < rows; ++row) {
    int64_t off = 0, rem = row;
    for (size_t i = r - 1; i-- > 0;) {
      off += (rem % out_dims[i]) * src_stride[i];
      rem /= out_dims[i];
    }
    T* o = out + row * inner;
    const T* s = x + off;
    for (int64_t j = 0; j < inner; ++j) o[j] = s[j * inner_stride];
  }
}

template <class I>
void check_index(const I* idx, int64_t n, int64_t rows, const char* op) {
  for (int64_t i = 0; i < n; ++i)
    if (idx[i] < 0 || idx[i] >= rows)
      throw ValueError(keras::detail::cat(op, ": index ", static_cast<int64_t>(idx[i]), " is out of range [0, ", rows,
                                          ")"));
}

template <class I>
void take_rows_typed(const char* x, const I* idx, char* out, int64_t n, int64_t rows, size_t row_bytes, DType dtype) {
  check_index(idx, n, rows, "take_rows");
#pragma omp parallel for if (static_cast<int64_t>(row_bytes) * n > 4 * kParallelThreshold)
  for (int64_t i = 0; i < n; ++i)
    copy_elements(x + static_cast<size_t>(idx[i]) * row_bytes, out + static_cast<size_t>(i) * row_bytes, row_bytes,
                  dtype);
}

template <class I>
void scatter_add_typed(const float* src, const I* idx, float* out, int64_t n, int64_t rows, int64_t row) {
  check_index(idx, n, rows, "scatter_add_rows");
  // Serial over i: two indices may name the same row.
  for (int64_t i = 0; i < n; ++i) {
    float* o = out + static_cast<int64_t>(idx[i]) * row;
    const float* s = src + i * row;
#pragma omp simd
    for (int64_t j = 0; j < row; ++j) o[j] += s[j];
  }
}

}  // namespace

void CpuBackend::transpose(const Tensor& x, const std::vector<int64_t>& perm, Tensor& out) {
  if (x.size() == 0) return;
  if (perm.empty()) return copy(x, out);
  if (x.dtype() == DType::string)
    return transpose_typed(x.data<std::string>(), out.data<std::string>(), x.shape().dims(), perm);
  switch (dtype_size(x.dtype())) {
    case 1: return transpose_typed(static_cast<const uint8_t*>(x.raw_data()), static_cast<uint8_t*>(out.raw_data()), x.shape().dims(), perm);
    case 2: return transpose_typed(static_cast<const uint16_t*>(x.raw_data()), static_cast<uint16_t*>(out.raw_data()), x.shape().dims(), perm);
    case 4: return transpose_typed(static_cast<const uint32_t*>(x.raw_data()), static_cast<uint32_t*>(out.raw_data()), x.shape().dims(), perm);
    case 8: return transpose_typed(static_cast<const uint64_t*>(x.raw_data()), static_cast<uint64_t*>(out.raw_data()), x.shape().dims(), perm);
  }
}

void CpuBackend::take_rows(const Tensor& x, const Tensor& index, Tensor& out) {
  const int64_t rows = x.dim(0), n = index.size();
  const size_t row_bytes = rows ? x.nbytes() / static_cast<size_t>(rows) : 0;
  const char* src = static_cast<const char*>(x.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  if (index.dtype() == DType::int64) take_rows_typed(src, index.data<int64_t>(), dst, n, rows, row_bytes, x.dtype());
  else take_rows_typed(src, index.data<int32_t>(), dst, n, rows, row_bytes, x.dtype());
}

void CpuBackend::scatter_add_rows(const Tensor& src, const Tensor& index, Tensor& out) {
  const int64_t rows = out.dim(0), n = index.size();
  const int64_t row = rows ? out.size() / rows : 0;
  if (index.dtype() == DType::int64)
    scatter_add_typed(src.data<float>(), index.data<int64_t>(), out.data<float>(), n, rows, row);
  else
    scatter_add_typed(src.data<float>(), index.data<int32_t>(), out.data<float>(), n, rows, row);
}

void CpuBackend::copy_slab(const Tensor& x, const std::vector<int64_t>& offsets, bool extract, Tensor& out) {
  check_block(x, offsets, extract, out);
  // The small tensor (x when inserting, out when extracting) is a block of the big one.
  // Its trailing axes that span the big one's whole extent are one contiguous run with the
  // axis before them (`row`); the axes before that are walked row by row, merged where an
  // axis spans the big one's extent (a concatenation's part: one row index, no division).
  const Tensor& small = extract ? out : x;
  const Tensor& big = extract ? x : out;
  const auto& sd = small.shape().dims();
  const auto& bd = big.shape().dims();
  const int64_t rank = small.rank();
  if (small.size() == 0) return;
  if (rank == 0) {
    copy_elements(extract ? big.raw_data() : small.raw_data(), extract ? small.raw_data() : big.raw_data(),
                  dtype_size(big.dtype()), big.dtype());
    return;
  }
  int64_t d = rank - 1, inner = 1;  // axis d: the last one where the block is narrower
  while (d > 0 && sd[static_cast<size_t>(d)] == bd[static_cast<size_t>(d)]) inner *= bd[static_cast<size_t>(d--)];
  const size_t es = dtype_size(big.dtype());
  const size_t row = static_cast<size_t>(sd[static_cast<size_t>(d)] * inner) * es;
  const int64_t row_offset = offsets[static_cast<size_t>(d)] * inner;  // elements into a big row
  // The axes before d as (small extent, big extent, offset), an axis spanning the big one's
  // extent merged into the one before it; rows counted in the big tensor's rows of d.
  struct Axis {
    int64_t small, big, offset;
  };
  std::vector<Axis> axes;
  for (int64_t k = 0; k < d; ++k) {
    const size_t u = static_cast<size_t>(k);
    if (!axes.empty() && sd[u] == bd[u]) {
      axes.back().small *= sd[u];
      axes.back().big *= bd[u];
      axes.back().offset *= bd[u];
    } else {
      axes.push_back({sd[u], bd[u], offsets[u]});
    }
  }
  int64_t rows = 1;
  for (const Axis& a : axes) rows *= a.small;
  const int64_t big_row = bd[static_cast<size_t>(d)] * inner;  // elements
  char* pb = static_cast<char*>(big.raw_data());
  char* ps = static_cast<char*>(small.raw_data());
#pragma omp parallel for if (static_cast <int64_t>(row) * rows > 4 * kParallelThreshold)
  for (int64_t r = 0; r < rows; ++r) {
    int64_t big_r = 0;  // the row of the big tensor this one lands in
    if (axes.size() == 1) {
      big_r = r + axes[0].offset;
    } else {
      int64_t rem = r, scale = 1;
      for (size_t k = axes.size(); k-- > 0;) {
        big_r += (rem % axes[k].small + axes[k].offset) * scale;
        rem /= axes[k].small;
        scale *= axes[k].big;
      }
    }
    char* b = pb + static_cast<size_t>(big_r * big_row + row_offset) * es;
    char* s = ps + static_cast<size_t>(r) * row;
    if (extract) copy_elements(b, s, row, big.dtype());
    else copy_elements(s, b, row, big.dtype());
  }
}

void CpuBackend::one_hot(const Tensor& indices, int64_t depth, Tensor& out) {
  fill(out, 0.0);
  float* o = out.data<float>();
  const int64_t n = indices.size();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t k = static_cast<int64_t>(keras::detail::read_as_double(
        static_cast<const char*>(indices.raw_data()) + static_cast<size_t>(i) * dtype_size(indices.dtype()),
        indices.dtype()));
    if (k >= 0 && k < depth) o[i * depth + k] = 1.f;  // out-of-range rows stay zero, as in TensorFlow
  }
}

}  // namespace keras::backend::cpu
