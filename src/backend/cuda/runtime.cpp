#include "backend/cuda/runtime.h"

#include "backend/cuda/libraries.h"
#include "keras/errors.h"

namespace keras::backend::cuda {

void check(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return;
  cudaGetLastError();  // clear a sticky-free error so the next call does not report it again
  throw RuntimeError(detail::cat("CUDA: ", what, ": ", cudaGetErrorName(e), ": ", cudaGetErrorString(e)));
}

void check(cublasStatus_t s, const char* what) {
  if (s == CUBLAS_STATUS_SUCCESS) return;
  throw RuntimeError(detail::cat("cuBLAS: ", what, ": ", cublas_api().cublasGetStatusName(s), ": ",
                                 cublas_api().cublasGetStatusString(s)));
}

void check(cudnnStatus_t s, const char* what) {
  if (s == CUDNN_STATUS_SUCCESS) return;
  throw RuntimeError(detail::cat("cuDNN: ", what, ": ", cudnn_api().cudnnGetErrorString(s)));
}

int device_count(std::string* why) {
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    cudaGetLastError();
    if (why) *why = detail::cat(cudaGetErrorName(e), ": ", cudaGetErrorString(e));
    return 0;
  }
  if (n == 0 && why) *why = "no CUDA device is visible";
  return n;
}

// ---------------------------------------------------------------- allocator

size_t CachingAllocator::round_size(size_t n) {
  constexpr size_t kSmall = 512;  // cudaMalloc aligns to 256; small tensors share 512-byte lists
  if (n <= kSmall) return kSmall;
  size_t p = kSmall;
  while (p < n) p <<= 1;
  const size_t step = p / 8;
  return (n + step - 1) / step * step;
}

void* CachingAllocator::allocate(size_t nbytes) {
  const size_t size = round_size(nbytes);
  std::lock_guard<std::mutex> lock(mutex_);
  void* ptr = nullptr;
  if (auto it = free_.find(size); it != free_.end()) {
    ptr = it->second;
    free_.erase(it);
    cached_ -= size;
  } else {
    cudaError_t e = cudaMalloc(&ptr, size);
    if (e == cudaErrorMemoryAllocation && !free_.empty()) {
      // Out of memory with blocks cached: give them back and try once more.
      cudaGetLastError();
      cudaDeviceSynchronize();
      for (auto& [s, p] : free_) cudaFree(p);
      free_.clear();
      cached_ = 0;
      e = cudaMalloc(&ptr, size);
    }
    if (e != cudaSuccess) {
      cudaGetLastError();
      throw ResourceExhaustedError(detail::cat("CUDA: cannot allocate ", nbytes, " bytes on the device (",
                                               cudaGetErrorString(e), "); ", current_, " bytes in use by tensors"));
    }
  }
  in_use_[ptr] = size;
  current_ += size;
  peak_ = std::max(peak_, current_);
  return ptr;
}

void CachingAllocator::deallocate(void* ptr, size_t) {
  if (!ptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = in_use_.find(ptr);
  if (it == in_use_.end()) return;  // not ours: nothing sensible to do in a destructor path
  const size_t size = it->second;
  in_use_.erase(it);
  current_ -= size;
  free_.emplace(size, ptr);
  cached_ += size;
}

void CachingAllocator::release_cached(cudaStream_t stream) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.empty()) return;
  cudaStreamSynchronize(stream);
  for (auto& [s, p] : free_) cudaFree(p);
  free_.clear();
  cached_ = 0;
}

config::MemoryInfo CachingAllocator::info() const {
  std::lock_guard<std::mutex> lock(mutex_);
  config::MemoryInfo m;
  m.current = static_cast<int64_t>(current_);
  m.peak = static_cast<int64_t>(peak_);
  m.cached = static_cast<int64_t>(cached_);
  return m;
}

void CachingAllocator::reset_peak() {
  std::lock_guard<std::mutex> lock(mutex_);
  peak_ = current_;
}

// ---------------------------------------------------------------- context

Context::Context(int device_index) : device(device_index) {
  check(cudaSetDevice(device), "cudaSetDevice");
  check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate");
  check(cublas_api().cublasCreate_v2(&cublas), "cublasCreate");
  check(cublas_api().cublasSetStream_v2(cublas, stream), "cublasSetStream");
  // float32 GEMMs in full float32 (no TF32), as Keras and PyTorch do by default.
  check(cublas_api().cublasSetMathMode(cublas, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
  check(cudnn_api().cudnnCreate(&cudnn), "cudnnCreate");
  check(cudnn_api().cudnnSetStream(cudnn, stream), "cudnnSetStream");
}

Context::~Context() {
  // Never reached in practice (the registry keeps its backends for the process's life);
  // kept so that a test-made context cleans up.
  if (scratch_) cudaFree(scratch_);
  if (cudnn) cudnn_api().cudnnDestroy(cudnn);
  if (cublas) cublas_api().cublasDestroy_v2(cublas);
  if (stream) cudaStreamDestroy(stream);
}

void* Context::scratch(size_t nbytes) {
  if (nbytes <= scratch_bytes_) return scratch_;
  if (scratch_) {
    check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");  // earlier calls may still use it
    cudaFree(scratch_);
    scratch_ = nullptr;
    scratch_bytes_ = 0;
  }
  check(cudaMalloc(&scratch_, nbytes), "cudaMalloc (library workspace)");
  scratch_bytes_ = nbytes;
  return scratch_;
}

void Context::synchronize() { check(cudaStreamSynchronize(stream), "cudaStreamSynchronize"); }

}  // namespace keras::backend::cuda
