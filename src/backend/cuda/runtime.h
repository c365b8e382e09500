// What the CUDA backend runs on: error checks that throw keras errors, the device probe,
// the per-device context (stream, cuBLAS and cuDNN handles) and the caching allocator.
// Host code only (compiled by the C++ compiler, linked against cudart/cuBLAS/cuDNN).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "keras/config/memory.h"

namespace keras::backend::cuda {

/// Throws RuntimeError("CUDA: <what>: <error name>: <message>") unless `e` is success.
void check(cudaError_t e, const char* what);
void check(cublasStatus_t s, const char* what);
void check(cudnnStatus_t s, const char* what);

/// The number of usable CUDA devices; 0 (never an exception) when there is no driver,
/// no device, or the driver is older than the runtime. `why` gets the reason for 0.
int device_count(std::string* why = nullptr);

/// Device memory reused across steps: freed blocks wait in per-size lists and are handed
/// out again (cudaMalloc synchronises the device and costs ~100 us; a training step
/// frees and reallocates the same sizes every time). Sizes are rounded like the CPU
/// allocator's (1/8 of the next power of two), so near sizes share a list. A block freed
/// while kernels that use it are still queued is safe to hand out again: every kernel
/// runs on the one stream, in call order.
class CachingAllocator {
 public:
  // No destructor work: the registry never destroys backends, and the driver frees a
  // process's memory when it ends.
  void* allocate(size_t nbytes);
  void deallocate(void* ptr, size_t nbytes);
  /// Returns every cached block to the driver (after the stream drains).
  void release_cached(cudaStream_t stream);
  config::MemoryInfo info() const;
  void reset_peak();

  /// The size a request of `nbytes` is served with (exposed for the unit test).
  static size_t round_size(size_t nbytes);

 private:
  mutable std::mutex mutex_;
  std::multimap<size_t, void*> free_;         // rounded size -> cached block
  std::unordered_map<void*, size_t> in_use_;  // block -> rounded size
  size_t current_ = 0, peak_ = 0, cached_ = 0;
};

/// One device's stream, library handles and scratch space.
struct Context {
  explicit Context(int device);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  /// Scratch memory of at least `nbytes` for a library call (cuDNN's workspace), valid
  /// until the next call of scratch(); grows, never shrinks.
  void* scratch(size_t nbytes);
  /// Waits for everything queued on the stream.
  void synchronize();

  int device = 0;
  cudaStream_t stream = nullptr;
  cublasHandle_t cublas = nullptr;
  cudnnHandle_t cudnn = nullptr;
  CachingAllocator allocator;

 private:
  void* scratch_ = nullptr;
  size_t scratch_bytes_ = 0;
};

}  // namespace keras::backend::cuda
