// A hint from the code that makes tensors to the allocator: how long the tensors
// allocated on this thread are expected to live.
//
// Why: a caching allocator that hands a request a cached block larger than asked wastes
// nothing while the tensor lives briefly (the block's pages are resident already, and it
// comes back soon), but a long-lived tensor would hold the larger block away from the
// requests it fits. At inference a graph frees each activation after its last reader
// (Model::run_graph), so there the CPU allocator may reuse blocks of up to 4x a request
// instead of 2x, and a first predict touches less fresh memory (MobileNetV2 at batch 16:
// 446 -> 351 MB). In training the forward's activations live until the backward, and the
// looser fit raised peak memory (MobileNetV2 train step: 1.74 -> 1.86 GB), so it is not
// the default. What is kept across calls while in a short-lived scope (a convolution
// kernel packed into oneDNN's layout) opens a long-lived scope around its allocation.
#pragma once

namespace keras::backend {

enum class AllocationLifetime { usual, short_lived, long_lived };

namespace detail {
inline thread_local AllocationLifetime current_allocation_lifetime = AllocationLifetime::usual;
}

/// The lifetime declared by the innermost scope on this thread (usual outside any).
inline AllocationLifetime allocation_lifetime() { return detail::current_allocation_lifetime; }

/// Declares the lifetime of the tensors allocated on this thread while it lives; nests.
class AllocationLifetimeScope {
 public:
  explicit AllocationLifetimeScope(AllocationLifetime lifetime) : saved_(detail::current_allocation_lifetime) {
    detail::current_allocation_lifetime = lifetime;
  }
  ~AllocationLifetimeScope() { detail::current_allocation_lifetime = saved_; }
  AllocationLifetimeScope(const AllocationLifetimeScope&) = delete;
  AllocationLifetimeScope& operator=(const AllocationLifetimeScope&) = delete;

 private:
  AllocationLifetime saved_;
};

}  // namespace keras::backend
