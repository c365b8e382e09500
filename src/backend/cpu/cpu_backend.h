// The CPU backend: oneDNN for convolution, pooling and GEMM; plain OpenMP loops (the
// reference kernels in ref/) for everything else. Both use the same OpenMP thread pool.
#pragma once

#include "backend/backend.h"

namespace keras::backend::cpu {

/// Work smaller than this many elements runs on one thread: waking the pool costs more.
inline constexpr int64_t kParallelThreshold = 1 << 15;

/// Copies `nbytes` of `dtype` elements: memcpy, except that std::string objects
/// (DType::string) are assigned, never copied bytewise.
void copy_elements(const void* src, void* dst, size_t nbytes, DType dtype);

class CpuBackend final : public Backend {
 public:
  Device device() const override { return Device::cpu(); }
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
  bool prepare_conv_forward(const WindowGeometry& g, DType dtype, bool has_bias, const ConvEpilogue& epilogue) override;
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

  std::shared_ptr<Workspace> recurrence_forward(const RecurrenceGeometry& g, const Tensor& x, const Tensor& h0,
                                                const Tensor& c0, const Tensor& kernel, const Tensor& recurrent_kernel,
                                                const Tensor& bias, Tensor& y, Tensor& h_t, Tensor& c_t,
                                                bool training) override;
  void recurrence_backward(const RecurrenceGeometry& g, const Workspace& ws, const Tensor& dy, const Tensor& dh_t,
                           const Tensor& dc_t, Tensor& dx, Tensor& dh0, Tensor& dc0, Tensor& dkernel,
                           Tensor& drecurrent_kernel, Tensor& dbias) override;

  std::shared_ptr<Workspace> attention_forward(const AttentionGeometry& g, const Tensor& query, const Tensor& key,
                                               const Tensor& value, const Tensor& mask, Tensor& out,
                                               bool training) override;
  void attention_backward(const AttentionGeometry& g, const Workspace& ws, const Tensor& dout, Tensor& dquery,
                          Tensor& dkey, Tensor& dvalue) override;

  void layer_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, int64_t rows, int64_t cols,
                          float epsilon, Tensor& y, Tensor& mean, Tensor& rstd) override;
  void layer_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean, const Tensor& rstd,
                           const Tensor& dy, int64_t rows, int64_t cols, Tensor& dx, Tensor& dgamma,
                           Tensor& dbeta) override;
  void batch_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, int64_t rows, int64_t channels,
                          float epsilon, bool training, Tensor& mean, Tensor& variance, Tensor& y) override;
  void batch_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean, const Tensor& variance,
                           const Tensor& dy, int64_t rows, int64_t channels, float epsilon, bool training, Tensor& dx,
                           Tensor& dgamma, Tensor& dbeta) override;

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
};

}  // namespace keras::backend::cpu
