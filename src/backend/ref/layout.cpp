// Reference reductions, argmax and data movement. Elements are addressed by their full
// multi-index, so each output element states where it comes from.
#include <cmath>
#include <cstring>
#include <limits>

#include "backend/cpu/cpu_backend.h"
#include "backend/ref/ref_backend.h"

namespace keras::backend::ref {

using keras::detail::cat;

namespace {

/// Row-major strides of `dims`.
std::vector<int64_t> strides_of(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

/// Double for floats, int64 for integers: wide enough that a reference sum is exact or
/// better than float's.
template <class T>
using Wide = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

template <class T>
void reduce_typed(ReduceOp op, const T* x, int64_t outer, int64_t r, int64_t inner, T* out) {
  for (int64_t a = 0; a < outer; ++a) {
    for (int64_t j = 0; j < inner; ++j) {
      Wide<T> acc = op == ReduceOp::sum ? Wide<T>(0)
                    : op == ReduceOp::max ? static_cast<Wide<T>>(std::numeric_limits<T>::lowest())
                                          : static_cast<Wide<T>>(std::numeric_limits<T>::max());
      for (int64_t i = 0; i < r; ++i) {
        const Wide<T> v = x[(a * r + i) * inner + j];
        if (op == ReduceOp::sum) acc += v;
        else if (op == ReduceOp::max) acc = std::max(acc, v);
        else acc = std::min(acc, v);
      }
      out[a * inner + j] = static_cast<T>(acc);
    }
  }
}

/// Index i of an int32 or int64 index tensor.
int64_t index_at(const Tensor& index, int64_t i) {
  return index.dtype() == DType::int64 ? index.data<int64_t>()[i] : index.data<int32_t>()[i];
}

int64_t checked_row(const Tensor& index, int64_t i, int64_t rows, const char* op) {
  const int64_t r = index_at(index, i);
  if (r < 0 || r >= rows) throw ValueError(cat(op, ": index ", r, " is out of range [0, ", rows, ")"));
  return r;
}

}  // namespace

void RefBackend::reduce(ReduceOp op, const Tensor& x, int64_t outer, int64_t reduced, int64_t inner, Tensor& out) {
  switch (x.dtype()) {
    case DType::float32: return reduce_typed(op, x.data<float>(), outer, reduced, inner, out.data<float>());
    case DType::float64: return reduce_typed(op, x.data<double>(), outer, reduced, inner, out.data<double>());
    case DType::int32: return reduce_typed(op, x.data<int32_t>(), outer, reduced, inner, out.data<int32_t>());
    case DType::int64: return reduce_typed(op, x.data<int64_t>(), outer, reduced, inner, out.data<int64_t>());
    default: throw TypeError(cat("reduce: dtype ", dtype_name(x.dtype()), " is not supported"));
  }
}

// The first index of the largest value; a NaN counts as larger than any number (NumPy).
void RefBackend::argmax(const Tensor& x, int64_t outer, int64_t r, int64_t inner, Tensor& out) {
  const float* p = x.data<float>();
  int64_t* o = out.data<int64_t>();
  for (int64_t a = 0; a < outer; ++a) {
    for (int64_t j = 0; j < inner; ++j) {
      int64_t best = 0;
      for (int64_t i = 1; i < r; ++i) {
        const float v = p[(a * r + i) * inner + j], b = p[(a * r + best) * inner + j];
        if (std::isnan(b)) break;
        if (std::isnan(v) || v > b) best = i;
      }
      o[a * inner + j] = best;
    }
  }
}

namespace {
/// Element `from_at` of `from` into element `to_at` of `to` (one dtype; strings by
/// assignment, see cpu::copy_elements).
void copy_element(const Tensor& from, int64_t from_at, Tensor& to, int64_t to_at) {
  const size_t es = dtype_size(from.dtype());
  cpu::copy_elements(static_cast<const char*>(from.raw_data()) + static_cast<size_t>(from_at) * es,
                     static_cast<char*>(to.raw_data()) + static_cast<size_t>(to_at) * es, es, from.dtype());
}
}  // namespace

// out[i_0, ..., i_n] = x[j] where j's axis perm[k] has index i_k.
void RefBackend::transpose(const Tensor& x, const std::vector<int64_t>& perm, Tensor& out) {
  const auto& out_dims = out.shape().dims();
  const auto in_strides = strides_of(x.shape().dims());
  for (int64_t i = 0; i < out.size(); ++i) {
    int64_t rem = i, from = 0;
    for (size_t k = out_dims.size(); k-- > 0;) {
      from += (rem % out_dims[k]) * in_strides[static_cast<size_t>(perm[k])];
      rem /= out_dims[k];
    }
    copy_element(x, from, out, i);
  }
}

void RefBackend::take_rows(const Tensor& x, const Tensor& index, Tensor& out) {
  const int64_t rows = x.dim(0);
  const int64_t row = rows ? x.size() / rows : 0;
  for (int64_t i = 0; i < index.size(); ++i) {
    const int64_t r = checked_row(index, i, rows, "take_rows");
    for (int64_t j = 0; j < row; ++j) copy_element(x, r * row + j, out, i * row + j);
  }
}

void RefBackend::scatter_add_rows(const Tensor& src, const Tensor& index, Tensor& out) {
  const int64_t rows = out.dim(0);
  const int64_t row = rows ? out.size() / rows : 0;
  for (int64_t i = 0; i < index.size(); ++i) {
    const int64_t r = checked_row(index, i, rows, "scatter_add_rows");
    for (int64_t j = 0; j < row; ++j) out.data<float>()[r * row + j] += src.data<float>()[i * row + j];
  }
}

// Every element of the small tensor (x inserted, or out extracted) sits in the big one at
// its multi-index shifted by `offsets`.
void RefBackend::copy_slab(const Tensor& x, const std::vector<int64_t>& offsets, bool extract, Tensor& out) {
  check_block(x, offsets, extract, out);
  const Tensor& small = extract ? out : x;
  const Tensor& big = extract ? x : out;
  const auto& sd = small.shape().dims();
  const auto big_strides = strides_of(big.shape().dims());
  for (int64_t i = 0; i < small.size(); ++i) {
    int64_t rem = i, at = 0;
    for (size_t k = sd.size(); k-- > 0;) {
      const int64_t c = rem % sd[k] + offsets[k];
      at += c * big_strides[k];
      rem /= sd[k];
    }
    if (extract) copy_element(big, at, out, i);
    else copy_element(x, i, out, at);
  }
}

// out[i, k] = 1 where k == indices[i] (truncated towards zero); rows with an index
// outside [0, depth) stay zero, as in TensorFlow.
void RefBackend::one_hot(const Tensor& indices, int64_t depth, Tensor& out) {
  float* o = out.data<float>();
  for (int64_t i = 0; i < indices.size(); ++i) {
    const double v = keras::detail::read_as_double(
        static_cast<const char*>(indices.raw_data()) + static_cast<size_t>(i) * dtype_size(indices.dtype()),
        indices.dtype());
    for (int64_t k = 0; k < depth; ++k) o[i * depth + k] = static_cast<int64_t>(v) == k ? 1.f : 0.f;
  }
}

}  // namespace keras::backend::ref
