// CudaBackend's reductions, softmax, data movement and pooling: each checks that its
// tensors are CUDA tensors of the dtypes and sizes it runs (TypeError for a dtype,
// ValueError otherwise, naming the kernel, as the CPU backend does), then queues the
// launcher of kernels.h (reduce.cu, layout.cu, pool.cu) on the backend's stream. On a GPU
// a wrong size would not fail, it would corrupt memory, so sizes are checked here.
#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/kernels.h"
#include "backend/cuda/plan/plans.h"
#include "backend/cuda/tensor_checks.h"
#include "keras/errors.h"

namespace keras::backend::cuda {

namespace {

using keras::detail::cat;

/// The element count of [outer, middle, inner], refusing negative extents.
int64_t view_size(int64_t outer, int64_t middle, int64_t inner, const char* kernel) {
  if (outer < 0 || middle < 0 || inner < 0)
    throw ValueError(cat(kernel, ": negative extents [", outer, ", ", middle, ", ", inner, "]"));
  return outer * middle * inner;
}

void require_row_index(const Tensor& index, const char* kernel) {
  require_on_device(index, kernel, "index");
  if (index.dtype() != DType::int32 && index.dtype() != DType::int64)
    throw TypeError(cat(kernel, ": index must be int32 or int64, got ", dtype_name(index.dtype())));
}

/// The kernels move strings by no means: they are C++ objects in host memory.
void require_not_string(const Tensor& t, const char* kernel) {
  if (t.dtype() == DType::string) throw TypeError(cat(kernel, ": string tensors live in CPU memory only"));
}

/// Elements per row of `t` viewed as [dim 0, everything else].
int64_t row_size(const Tensor& t) {
  int64_t size = 1;
  for (int64_t k = 1; k < t.rank(); ++k) size *= t.shape()[static_cast<size_t>(k)];
  return size;
}

/// Pooling windows the kernels can walk: 1 to 3 spatial dims, positive sizes and
/// strides, no negative padding (a zero stride would divide by zero on the device).
void require_pool_geometry(const WindowGeometry& g, const char* kernel) {
  bool ok = g.spatial >= 1 && g.spatial <= 3 && g.batch >= 0 && g.in_channels >= 0;
  for (size_t d = 0; ok && d < static_cast<size_t>(g.spatial); ++d)
    ok = g.in[d] >= 0 && g.out[d] >= 0 && g.kernel[d] >= 1 && g.stride[d] >= 1 && g.pad_before[d] >= 0 &&
         g.pad_after[d] >= 0;
  if (!ok)
    throw ValueError(cat(kernel, ": a pooling window of ", g.spatial,
                         " spatial dims needs positive kernel sizes and strides and no negative padding"));
}

int64_t pool_data_size(const WindowGeometry& g, bool output) {
  int64_t size = g.batch * g.in_channels;
  for (size_t d = 0; d < static_cast<size_t>(g.spatial); ++d) size *= output ? g.out[d] : g.in[d];
  return size;
}

/// What max pooling's backward needs from forward: its input, whose windows' maxima it
/// finds again. A Tensor is a shared handle, so this keeps x's memory alive without a
/// copy; tape inputs are not written between forward and backward (ops/nn.cpp's closures
/// hold their inputs the same way).
struct CudaPoolWorkspace final : Workspace {
  Tensor x;
};

}  // namespace

// ---- reductions

void CudaBackend::reduce(ReduceOp op, const Tensor& x, int64_t outer, int64_t reduced, int64_t inner, Tensor& out) {
  require_on_device(x, "reduce", "x");
  require_on_device(out, "reduce", "out");
  const DType dt = x.dtype();
  if (dt != DType::float32 && dt != DType::float64 && dt != DType::int32 && dt != DType::int64)
    throw TypeError(cat("reduce: dtype ", dtype_name(dt), " is not supported (float32, float64, int32, int64)"));
  require_dtype(out, dt, "reduce", "out");
  require_size(x, view_size(outer, reduced, inner, "reduce"), "reduce", "x");
  require_size(out, outer * inner, "reduce", "out");
  kernels::reduce(op, dt, x.raw_data(), outer, reduced, inner, out.raw_data(), context().stream);
}

void CudaBackend::argmax(const Tensor& x, int64_t outer, int64_t reduced, int64_t inner, Tensor& out) {
  const float* px = float32_data(x, view_size(outer, reduced, inner, "argmax"), "argmax", "x");
  require_on_device(out, "argmax", "out");
  require_dtype(out, DType::int64, "argmax", "out");
  require_size(out, outer * inner, "argmax", "out");
  kernels::argmax(px, outer, reduced, inner, static_cast<int64_t*>(out.raw_data()), context().stream);
}

void CudaBackend::softmax(const Tensor& x, int64_t outer, int64_t axis, int64_t inner, bool log, Tensor& y) {
  const int64_t n = view_size(outer, axis, inner, "softmax");
  const float* px = float32_data(x, n, "softmax", "x");
  kernels::softmax(px, outer, axis, inner, log, float32_data(y, n, "softmax", "y"), context().stream);
}

void CudaBackend::softmax_backward(const Tensor& y, const Tensor& dy, int64_t outer, int64_t axis, int64_t inner,
                                   bool log, Tensor& dx) {
  const int64_t n = view_size(outer, axis, inner, "softmax_backward");
  const float* py = float32_data(y, n, "softmax_backward", "y");
  const float* pg = float32_data(dy, n, "softmax_backward", "dy");
  kernels::softmax_backward(py, pg, outer, axis, inner, log, float32_data(dx, n, "softmax_backward", "dx"),
                            context().stream);
}

// ---- layout

void CudaBackend::transpose(const Tensor& x, const std::vector<int64_t>& perm, Tensor& out) {
  require_on_device(x, "transpose", "x");
  require_on_device(out, "transpose", "out");
  require_not_string(x, "transpose");
  require_dtype(out, x.dtype(), "transpose", "out");
  const TransposePlan plan = plan_transpose(x.shape(), perm);  // checks perm
  Shape permuted;
  for (int64_t p : perm) permuted.push_back(x.shape()[static_cast<size_t>(p)]);
  if (out.shape() != permuted)
    throw ValueError(cat("transpose: out has shape ", out.shape().to_string(), ", expected ", permuted.to_string()));
  kernels::transpose(x.raw_data(), out.raw_data(), static_cast<int>(dtype_size(x.dtype())), plan, context().stream);
}

// The CPU backend throws on an index outside [0, rows). Here the indices are in device
// memory, and checking them would mean reading them back: a stall of the stream (the
// host waits for every queued kernel) on every call. The callers that take indices from
// users check them on the host already (Embedding names the bad index and where it is);
// the others build them in range. So nothing is read back: a row whose index is out of
// range comes out zero (as in TensorFlow's GPU gather), and nothing outside x is read.
void CudaBackend::take_rows(const Tensor& x, const Tensor& index, Tensor& out) {
  require_on_device(x, "take_rows", "x");
  require_on_device(out, "take_rows", "out");
  require_row_index(index, "take_rows");
  require_not_string(x, "take_rows");
  if (x.rank() == 0) throw ValueError("take_rows: x is a scalar; it has no rows to take");
  require_dtype(out, x.dtype(), "take_rows", "out");
  const int64_t row = row_size(x);
  require_size(out, index.size() * row, "take_rows", "out");
  kernels::take_rows(x.raw_data(), x.dim(0), row * static_cast<int64_t>(dtype_size(x.dtype())), index.raw_data(),
                     index.dtype(), index.size(), out.raw_data(), context().stream);
}

// Out-of-range indices are skipped, for the reason take_rows gives.
void CudaBackend::scatter_add_rows(const Tensor& src, const Tensor& index, Tensor& out) {
  require_row_index(index, "scatter_add_rows");
  if (out.rank() == 0) throw ValueError("scatter_add_rows: out is a scalar; it has no rows to add to");
  const int64_t row = row_size(out);
  const float* ps = float32_data(src, index.size() * row, "scatter_add_rows", "src");
  float* po = float32_data(out, out.size(), "scatter_add_rows", "out");
  kernels::scatter_add_rows(ps, index.raw_data(), index.dtype(), index.size(), row, po, out.dim(0), context().stream);
}

void CudaBackend::copy_slab(const Tensor& x, const std::vector<int64_t>& offsets, bool extract, Tensor& out) {
  check_block(x, offsets, extract, out);
  require_on_device(x, "copy_slab", "x");
  require_on_device(out, "copy_slab", "out");
  require_not_string(x, "copy_slab");
  const Tensor& big = extract ? x : out;
  const Tensor& small = extract ? out : x;
  const SlabPlan plan = plan_slab(big.shape(), small.shape(), offsets);
  kernels::copy_slab(x.raw_data(), out.raw_data(), static_cast<int>(dtype_size(x.dtype())), plan, extract,
                     context().stream);
}

// Indices of any numeric dtype, read as the CPU reads them (floats truncated towards
// zero); rows whose index is outside [0, depth) stay zero, as on the CPU.
void CudaBackend::one_hot(const Tensor& indices, int64_t depth, Tensor& out) {
  require_on_device(indices, "one_hot", "indices");
  require_on_device(out, "one_hot", "out");
  require_not_string(indices, "one_hot");
  if (depth < 0) throw ValueError(cat("one_hot: depth must not be negative, got ", depth));
  require_size(out, indices.size() * depth, "one_hot", "out");
  kernels::one_hot(indices.raw_data(), indices.dtype(), indices.size(), depth, out.raw_data(), out.dtype(),
                   context().stream);
}

// ---- pooling

std::shared_ptr<Workspace> CudaBackend::pool_forward(PoolKind kind, const WindowGeometry& g, const Tensor& x, Tensor& y,
                                                     bool training) {
  require_pool_geometry(g, "pool_forward");
  const float* px = float32_data(x, pool_data_size(g, false), "pool_forward", "x");
  kernels::pool_forward(kind, g, px, float32_data(y, pool_data_size(g, true), "pool_forward", "y"), context().stream);
  if (!training) return nullptr;
  auto ws = std::make_shared<CudaPoolWorkspace>();
  if (kind == PoolKind::max) ws->x = x;  // average pooling's backward needs only the geometry
  return ws;
}

void CudaBackend::pool_backward(PoolKind kind, const WindowGeometry& g, const Tensor& dy, const Workspace* base,
                                Tensor& dx) {
  require_pool_geometry(g, "pool_backward");
  const float* x = nullptr;
  if (kind == PoolKind::max) {
    const auto* ws = dynamic_cast<const CudaPoolWorkspace*>(base);
    if (!ws || !ws->x.defined())
      throw RuntimeError("pool_backward: max pooling needs the workspace the CUDA pool_forward returned in training");
    x = float32_data(ws->x, pool_data_size(g, false), "pool_backward", "the forward input");
  }
  const float* pg = float32_data(dy, pool_data_size(g, true), "pool_backward", "dy");
  kernels::pool_backward(kind, g, x, pg, float32_data(dx, pool_data_size(g, false), "pool_backward", "dx"),
                         context().stream);
}

}  // namespace keras::backend::cuda
