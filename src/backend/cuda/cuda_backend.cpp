// The CUDA backend's construction, its claims (supports), memory and copies. The kernel
// families live beside it: elementwise.cpp, layout.cpp (our kernels, *.cu), blas.cpp
// (cuBLAS), dnn.cpp (cuDNN).
#include "backend/cuda/cuda_backend.h"

#include <cstring>

#include "keras/errors.h"

namespace keras::backend::cuda {

std::unique_ptr<Backend> make_cuda_backend() { return std::make_unique<CudaBackend>(); }

CudaBackend::CudaBackend() {
  std::string why;
  if (device_count(&why) == 0) throw RuntimeError(detail::cat("No usable CUDA device (", why, ")"));
  context_ = std::make_unique<Context>(0);
}

CudaBackend::~CudaBackend() = default;

bool CudaBackend::supports(Op op, DType dtype) const {
  switch (op) {
    // Bytes moved by element size, or every dtype converted (cast, fill).
    case Op::copy:
    case Op::fill:
    case Op::cast:
    case Op::transpose:
    case Op::take_rows:
    case Op::copy_slab:
    case Op::one_hot:  // the dtype asked about is the indices'
      return dtype != DType::string;
    case Op::binary:
      return dtype == DType::float32 || dtype == DType::float64 || dtype == DType::int32 || dtype == DType::int64 ||
             dtype == DType::uint8 || dtype == DType::bool_;
    case Op::reduce:
      return dtype == DType::float32 || dtype == DType::float64 || dtype == DType::int32 || dtype == DType::int64;
    case Op::matmul:
      return dtype == DType::float32 || dtype == DType::bfloat16;
    // Not here yet: the ops compose these from the kernels above.
    case Op::recurrence_forward:
    case Op::recurrence_backward:
    case Op::attention_forward:
    case Op::attention_backward:
    case Op::layer_norm_forward:
    case Op::layer_norm_backward:
    case Op::batch_norm_forward:
    case Op::batch_norm_backward:
      return false;
    // Everything else: float32 kernels.
    default:
      return dtype == DType::float32;
  }
}

void* CudaBackend::allocate(size_t nbytes) { return context_->allocator.allocate(nbytes); }

void CudaBackend::deallocate(void* ptr, size_t nbytes) { context_->allocator.deallocate(ptr, nbytes); }

config::MemoryInfo CudaBackend::memory_info() { return context_->allocator.info(); }

void CudaBackend::reset_peak_memory() { context_->allocator.reset_peak(); }

void CudaBackend::release_cached_memory() { context_->allocator.release_cached(context_->stream); }

void CudaBackend::copy(const Tensor& src, Tensor& dst) {
  if (src.dtype() == DType::string || dst.dtype() == DType::string)
    throw TypeError(detail::cat("copy: string tensors live in CPU memory only (", src.device().to_string(), " -> ",
                                dst.device().to_string(), ")"));
  if (src.nbytes() != dst.nbytes())
    throw ValueError(detail::cat("copy: ", src.nbytes(), " bytes into a tensor of ", dst.nbytes()));
  const size_t n = src.nbytes();
  if (n == 0) return;
  const bool from_host = src.device().is_cpu(), to_host = dst.device().is_cpu();
  for (const Tensor* t : {&src, static_cast<const Tensor*>(&dst)})
    if (!t->device().is_cpu() && t->device() != device())
      throw ValueError(
          detail::cat("copy: the CUDA backend serves ", device().to_string(), ", not ", t->device().to_string()));
  if (from_host && to_host) {
    std::memcpy(dst.raw_data(), src.raw_data(), n);
    return;
  }
  const cudaMemcpyKind kind = from_host ? cudaMemcpyHostToDevice
                              : to_host ? cudaMemcpyDeviceToHost
                                        : cudaMemcpyDeviceToDevice;
  // From pageable host memory the call returns once the source is staged, so the caller
  // may free it; to the host we wait, since the caller reads it next.
  check(cudaMemcpyAsync(dst.raw_data(), src.raw_data(), n, kind, context_->stream), "cudaMemcpyAsync");
  if (to_host) context_->synchronize();
}

}  // namespace keras::backend::cuda
