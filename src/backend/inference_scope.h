// Marks the code a graph runs at inference on this thread (Model::run_graph: not training
// and no GradientTape recording). The weights it reads are fixed while it runs, so what a
// kernel derives from them once may be kept beyond the process (the convolution's packed
// kernels, backend/cpu/onednn/kernel_cache.h); in training they change every step.
#pragma once

namespace keras::backend {

namespace detail {
inline thread_local int inference_depth = 0;
}

/// Whether this thread is inside an InferenceScope.
inline bool at_inference() { return detail::inference_depth > 0; }

/// Declares the calls on this thread while it lives part of a graph at inference; nests.
class InferenceScope {
 public:
  InferenceScope() { ++detail::inference_depth; }
  ~InferenceScope() { --detail::inference_depth; }
  InferenceScope(const InferenceScope&) = delete;
  InferenceScope& operator=(const InferenceScope&) = delete;
};

}  // namespace keras::backend
