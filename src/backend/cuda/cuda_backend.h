// The CUDA backend: cuBLAS for GEMM, cuDNN for convolution, our own kernels (kernels.h)
// for everything else. One stream per device: every kernel is queued on it in call
// order and the host waits only where it reads (copies to the host) -- the stream order
// is what makes a block freed by one op safe to hand to the next.
//
// The fused recurrence, attention, layer and batch normalization kernels are not here
// yet: supports() answers false for them and the ops compose them from the kernels
// below (the same path a backend without them takes on the CPU).
#pragma once

#include <memory>

#include "backend/backend.h"
#include "backend/cuda/runtime.h"

namespace keras::backend::cuda {

class CudaBackend final : public Backend {
 public:
  /// Takes device 0 (one instance serves cuda:0; other indices are refused by
  /// allocate for now). Throws RuntimeError when no CUDA device is usable.
  CudaBackend();
  ~CudaBackend() override;
  Device device() const override { return Device::cuda(0); }
  bool supports(Op op, DType dtype) const override;

  void* allocate(size_t nbytes) override;
  void deallocate(void* ptr, size_t nbytes) override;
  config::MemoryInfo memory_info() override;
  void reset_peak_memory() override;
  void release_cached_memory() override;
  void copy(const Tensor& src, Tensor& dst) override;
  void fill(Tensor& dst, double value) override;
  void cast(const Tensor& src, Tensor& dst) override;

  void unary(UnaryOp op, const UnaryParams& p, const Tensor& x, Tensor& y) override;
  void unary_backward(UnaryOp op, const UnaryParams& p, const Tensor& x, const Tensor& y, const Tensor& dy,
                      Tensor& dx) override;
  void binary(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) override;

  void reduce(ReduceOp op, const Tensor& x, int64_t outer, int64_t reduced, int64_t inner, Tensor& out) override;
  void argmax(const Tensor& x, int64_t outer, int64_t reduced, int64_t inner, Tensor& out) override;

  void transpose(const Tensor& x, const std::vector<int64_t>& perm, Tensor& out) override;
  void take_rows(const Tensor& x, const Tensor& index, Tensor& out) override;
  void scatter_add_rows(const Tensor& src, const Tensor& index, Tensor& out) override;
  void copy_slab(const Tensor& x, const std::vector<int64_t>& offsets, bool extract, Tensor& out) override;
  void one_hot(const Tensor& indices, int64_t depth, Tensor& out) override;

  void matmul(const Tensor& a, const Tensor& b, Tensor& out, int64_t batch, int64_t m, int64_t n, int64_t k,
              bool trans_a, bool trans_b, int64_t a_batch_stride, int64_t b_batch_stride, float beta) override;

  void conv_forward(const WindowGeometry& g, const Tensor& x, const Tensor& kernel, const Tensor& bias, Tensor& y,
                    const ConvEpilogue& epilogue) override;
  void conv_backward_data(const WindowGeometry& g, const Tensor& dy, const Tensor& kernel, Tensor& dx) override;
  void conv_backward_weights(const WindowGeometry& g, const Tensor& x, const Tensor& dy, Tensor& dkernel,
                             Tensor& dbias) override;

  std::shared_ptr<Workspace> pool_forward(PoolKind kind, const WindowGeometry& g, const Tensor& x, Tensor& y,
                                          bool training) override;
  void pool_backward(PoolKind kind, const WindowGeometry& g, const Tensor& dy, const Workspace* ws,
                     Tensor& dx) override;

  void softmax(const Tensor& x, int64_t outer, int64_t axis, int64_t inner, bool log, Tensor& y) override;
  void softmax_backward(const Tensor& y, const Tensor& dy, int64_t outer, int64_t axis, int64_t inner, bool log,
                        Tensor& dx) override;

  void random_uniform(Tensor& out, double low, double high, uint64_t seed) override;
  void random_normal(Tensor& out, double mean, double stddev, uint64_t seed) override;
  void random_truncated_normal(Tensor& out, double mean, double stddev, uint64_t seed) override;
  void dropout_mask(Tensor& out, double rate, uint64_t seed) override;

  void sgd_update(Tensor& var, const Tensor& grad, Tensor& momentum, float lr, float momentum_coef,
                  bool nesterov) override;
  void adam_update(Tensor& var, const Tensor& grad, Tensor& m, Tensor& v, Tensor& v_hat, float alpha, float beta_1,
                   float beta_2, float epsilon, bool amsgrad) override;
  void rmsprop_update(Tensor& var, const Tensor& grad, Tensor& velocity, Tensor& momentum, Tensor& average_grad,
                      float lr, float rho, float momentum_coef, float epsilon, bool centered) override;

  /// What every kernel of this backend runs on (one stream: kernels run in the order they
  /// are called, so a block the allocator hands out again is free once earlier work is).
  Context& context() { return *context_; }

 private:
  std::unique_ptr<Context> context_;
};

}  // namespace keras::backend::cuda
