// The closed set of kernels every device backend implements. Ops (src/ops) do the shape
// logic and autograd; a backend only computes, on tensors that are already allocated,
// contiguous and on its device. CPU (oneDNN + plain loops) is always built; a CUDA
// backend (cuBLAS/cuDNN) implements the same table. Backends are registered per device
// type (register_backend) and say which kernels and dtypes they run (supports); the
// reference backend (ref/ref_backend.h) is the oracle tests/backend/backend_ops_test.cpp
// compares every registered backend with. Nothing here includes keras/ops: the backend
// sits below the ops.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "keras/backend/recurrence_kind.h"
#include "keras/config/memory.h"
#include "keras/tensor/tensor.h"

namespace keras::backend {

/// Every kernel of the Backend table, one entry per virtual kernel method (the memory
/// primitives allocate/deallocate excepted), for Backend::supports. The dtype that
/// supports() is asked about is that of the kernel's data operand: the source of
/// copy/cast, the destination of fill and the random ops, `x` or `a` elsewhere, the
/// indices of one_hot (take_rows: the rows, whatever the index type).
// clang-format off
enum class Op : uint8_t {  // one line per kernel family
  copy, fill, cast,
  unary, unary_backward, binary,
  reduce, argmax,
  transpose, take_rows, scatter_add_rows, copy_slab, one_hot,
  matmul,
  conv_forward, conv_backward_data, conv_backward_weights,
  pool_forward, pool_backward,
  softmax, softmax_backward,
  recurrence_forward, recurrence_backward,
  attention_forward, attention_backward,
  layer_norm_forward, layer_norm_backward,
  batch_norm_forward, batch_norm_backward,
  random_uniform, random_normal, random_truncated_normal, dropout_mask,
  sgd_update, adam_update, rmsprop_update,
};
// clang-format on
/// Number of Op values (they run from 0 to kOpCount - 1).
inline constexpr int kOpCount = static_cast<int>(Op::rmsprop_update) + 1;
/// The kernel's name as in the Backend table: "matmul", "conv_forward", ...
std::string_view op_name(Op op);

/// copy_slab's contract, checked by the backends: one offset per axis, the small tensor
/// (x inserted, out extracted) of the big one's rank, dtype and inside it at the offsets.
/// Throws ValueError otherwise (a caller's bug: ops check their arguments first).
void check_block(const Tensor& x, const std::vector<int64_t>& offsets, bool extract, const Tensor& out);

enum class UnaryOp {
  neg, abs, square, sqrt, rsqrt, exp, log, reciprocal, sign,
  relu,          // general Keras relu: alpha = negative_slope, beta = max_value (<0: none), gamma = threshold
  sigmoid, tanh,
  elu,           // alpha
  selu, softplus, softsign, silu,
  gelu,          // alpha != 0: tanh approximation
  hard_sigmoid, hard_silu, mish,
  clip,          // alpha = min, beta = max
  log_sigmoid,
};
struct UnaryParams {
  float alpha = 0.f, beta = 0.f, gamma = 0.f;
};
/// True when the derivative of `op` is computed from the op's output alone (so backward
/// can run without keeping the input alive).
bool unary_grad_uses_output(UnaryOp op);

enum class BinaryOp { add, sub, mul, div, max, min, pow, eq, ne, lt, le, gt, ge };
enum class ReduceOp { sum, max, min };

/// Geometry of an N-d (1 to 3 spatial dims) channels-last convolution or pooling.
struct WindowGeometry {
  int spatial = 2;                       // number of spatial dims
  int64_t batch = 0, in_channels = 0, out_channels = 0, groups = 1;
  std::array<int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, kernel{1, 1, 1};
  std::array<int64_t, 3> stride{1, 1, 1}, dilation{1, 1, 1};  // dilation: Keras's (1 = dense)
  std::array<int64_t, 3> pad_before{0, 0, 0}, pad_after{0, 0, 0};
};

enum class PoolKind { max, average };

/// Activations a convolution applies to its output in the same pass (oneDNN eltwise
/// post-ops): relu6 is min(max(x, 0), 6), silu is x * sigmoid(x) (Keras's swish).
enum class ConvActivation { none, relu, relu6, silu, sigmoid, tanh };
/// What conv_forward does to each output value v = conv(x) + bias before storing it, in
/// this order (oneDNN post-ops; at inference this is a folded BatchNormalization, a
/// residual Add and the activation that follows, one pass instead of four):
///   v = v * scale[c] + shift[c]        scale, shift: float32 (out_channels), or undefined
///   v = v + y                          when accumulate: y holds a tensor to add
///   y = activation(v)
struct ConvEpilogue {
  Tensor scale, shift;
  bool accumulate = false;
  ConvActivation activation = ConvActivation::none;
  bool empty() const {
    return !scale.defined() && !shift.defined() && !accumulate && activation == ConvActivation::none;
  }
};

/// A whole-sequence recurrence (keras/ops/rnn.h): x (batch, steps, features) through a
/// cell of `units`, Keras's weight layouts, processed from the last step when `reverse`.
struct RecurrenceGeometry {
  RecurrenceKind kind = RecurrenceKind::none;
  int64_t batch = 0, steps = 0, features = 0, units = 0;
  bool reverse = false;
  int gates() const;
  bool has_cell_state() const { return kind == RecurrenceKind::lstm; }
};

/// A scaled dot-product attention (keras.ops.dot_product_attention) in Keras's layout:
/// query (batch, query_len, heads, head_dim), key (batch, key_len, heads, head_dim),
/// value (batch, key_len, heads, value_dim) -> out (batch, query_len, heads, value_dim).
/// logits = scale * query . key; masked logits become -1e9 (so a row with every key
/// masked attends uniformly, as Keras's does); softmax over the keys; out = weights . value.
struct AttentionGeometry {
  int64_t batch = 0, query_len = 0, key_len = 0, heads = 0, head_dim = 0, value_dim = 0;
  float scale = 1.f;
  bool causal = false;  // also mask key j for query i when j > i (Keras's tril mask)
};

/// Opaque per-call state a kernel hands from forward to backward (e.g. max-pool argmax).
struct Workspace {
  virtual ~Workspace() = default;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Device device() const = 0;
  /// Whether this backend runs kernel `op` on data of `dtype`. Callers with a fallback
  /// (the recurrent layers' per-step path) ask before calling; the others let the kernel
  /// throw. BackendOps checks every (op, dtype) a backend claims against the reference.
  virtual bool supports(Op op, DType dtype) const = 0;

  // ---- memory
  virtual void* allocate(size_t nbytes) = 0;
  virtual void deallocate(void* ptr, size_t nbytes) = 0;
  /// The allocator's statistics (config::get_memory_info); zeros where it does not count.
  virtual config::MemoryInfo memory_info() { return {}; }
  virtual void reset_peak_memory() {}
  /// Frees what the allocator keeps for reuse.
  virtual void release_cached_memory() {}
  /// Copies src into dst (same byte size; either may be on the host).
  virtual void copy(const Tensor& src, Tensor& dst) = 0;
  virtual void fill(Tensor& dst, double value) = 0;
  virtual void cast(const Tensor& src, Tensor& dst) = 0;

  // ---- elementwise
  virtual void unary(UnaryOp op, const UnaryParams& p, const Tensor& x, Tensor& y) = 0;
  /// dx = dy * f'(.); `x` or `y` may be undefined when the op does not need it.
  virtual void unary_backward(UnaryOp op, const UnaryParams& p, const Tensor& x, const Tensor& y,
                              const Tensor& dy, Tensor& dx) = 0;
  /// out = a (op) b with NumPy broadcasting; out already has the broadcast shape.
  virtual void binary(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) = 0;

  // ---- reductions, over the middle axis of x viewed as [outer, reduced, inner]
  virtual void reduce(ReduceOp op, const Tensor& x, int64_t outer, int64_t reduced, int64_t inner,
                      Tensor& out) = 0;
  virtual void argmax(const Tensor& x, int64_t outer, int64_t reduced, int64_t inner, Tensor& out) = 0;

  // ---- layout
  virtual void transpose(const Tensor& x, const std::vector<int64_t>& perm, Tensor& out) = 0;
  /// out[i, :] = x[index[i], :] with x viewed as [rows, row_size].
  virtual void take_rows(const Tensor& x, const Tensor& index, Tensor& out) = 0;
  /// out[index[i], :] += src[i, :]  (out is not cleared first).
  virtual void scatter_add_rows(const Tensor& src, const Tensor& index, Tensor& out) = 0;
  /// Copies x into out at `offsets` (one per axis: out[offsets + i] = x[i] for every
  /// multi-index i of x; out is at least as big on every axis), or, with `extract`, the
  /// reverse: out = the block of x starting at offsets. One axis offset: a concatenation's
  /// part; several: a padded or cropped image.
  virtual void copy_slab(const Tensor& x, const std::vector<int64_t>& offsets, bool extract, Tensor& out) = 0;
  virtual void one_hot(const Tensor& indices, int64_t depth, Tensor& out) = 0;

  // ---- linear algebra: out[b] = op(a[b]) @ op(b[b]) (+ beta * out[b]); row-major.
  // A batch stride of 0 broadcasts that operand.
  virtual void matmul(const Tensor& a, const Tensor& b, Tensor& out, int64_t batch, int64_t m, int64_t n,
                      int64_t k, bool trans_a, bool trans_b, int64_t a_batch_stride, int64_t b_batch_stride,
                      float beta) = 0;

  // ---- convolution (channels-last data, Keras kernel layout (*kernel, in/groups, out))
  /// `epilogue` (see ConvEpilogue) is applied to the output in the same pass.
  virtual void conv_forward(const WindowGeometry& g, const Tensor& x, const Tensor& kernel, const Tensor& bias,
                            Tensor& y, const ConvEpilogue& epilogue) = 0;
  /// Creates, without running anything, what conv_forward(g, x, kernel, bias, y, epilogue)
  /// with x in `dtype` will need (CPU: the oneDNN primitive; of the epilogue only which
  /// parts are defined matters). A graph's first call at inference creates its
  /// convolutions this way up front, on several threads (models/inference_fusion.h).
  /// Safe from any thread. Whether anything was created; the default creates nothing.
  virtual bool prepare_conv_forward(const WindowGeometry& g, DType dtype, bool has_bias, const ConvEpilogue& epilogue) {
    return false;
  }
  virtual void conv_backward_data(const WindowGeometry& g, const Tensor& dy, const Tensor& kernel, Tensor& dx) = 0;
  /// dbias may be undefined (no bias).
  virtual void conv_backward_weights(const WindowGeometry& g, const Tensor& x, const Tensor& dy, Tensor& dkernel,
                                     Tensor& dbias) = 0;

  // ---- pooling (channels-last). `training` asks for a workspace that backward needs.
  virtual std::shared_ptr<Workspace> pool_forward(PoolKind kind, const WindowGeometry& g, const Tensor& x,
                                                  Tensor& y, bool training) = 0;
  virtual void pool_backward(PoolKind kind, const WindowGeometry& g, const Tensor& dy, const Workspace* ws,
                             Tensor& dx) = 0;

  // ---- softmax over the middle axis of [outer, axis, inner]
  virtual void softmax(const Tensor& x, int64_t outer, int64_t axis, int64_t inner, bool log, Tensor& y) = 0;
  virtual void softmax_backward(const Tensor& y, const Tensor& dy, int64_t outer, int64_t axis, int64_t inner,
                                bool log, Tensor& dx) = 0;

  // ---- fused recurrences (keras/ops/rnn.h). Backends without them answer false to
  // supports(Op::recurrence_forward, float32) and the layers run step by step instead;
  // these defaults throw.
  /// y (batch, steps, units) in processing order, h_t and (LSTM) c_t the final states.
  /// c0 / c_t are undefined for cells without a cell state. `training` keeps what
  /// recurrence_backward needs in the returned workspace.
  virtual std::shared_ptr<Workspace> recurrence_forward(const RecurrenceGeometry& g, const Tensor& x, const Tensor& h0,
                                                        const Tensor& c0, const Tensor& kernel,
                                                        const Tensor& recurrent_kernel, const Tensor& bias, Tensor& y,
                                                        Tensor& h_t, Tensor& c_t, bool training);
  /// Gradients of everything recurrence_forward read, from those of y, h_t and c_t.
  virtual void recurrence_backward(const RecurrenceGeometry& g, const Workspace& ws, const Tensor& dy,
                                   const Tensor& dh_t, const Tensor& dc_t, Tensor& dx, Tensor& dh0, Tensor& dc0,
                                   Tensor& dkernel, Tensor& drecurrent_kernel, Tensor& dbias);

  // ---- fused attention. Backends without it answer false to
  // supports(Op::attention_forward, float32) and the attention layers compose ops
  // instead; these defaults throw.
  /// `mask` is undefined or float32 0/1 of shape (batch or 1, heads or 1, query_len,
  /// key_len). `training` keeps what attention_backward needs in the returned workspace
  /// (the inputs are shared, not copied).
  virtual std::shared_ptr<Workspace> attention_forward(const AttentionGeometry& g, const Tensor& query,
                                                       const Tensor& key, const Tensor& value, const Tensor& mask,
                                                       Tensor& out, bool training);
  /// The gradients of query, key and value from that of out (no gradient reaches masked logits).
  virtual void attention_backward(const AttentionGeometry& g, const Workspace& ws, const Tensor& dout, Tensor& dquery,
                                  Tensor& dkey, Tensor& dvalue);

  // ---- layer normalization over the last axis of x viewed as [rows, cols]. Backends
  // without it answer false to supports(Op::layer_norm_forward, float32) and
  // ops::layer_normalization composes ops instead; these defaults throw.
  /// y = (x - mean) / sqrt(variance + epsilon) * gamma + beta per row (gamma, beta of
  /// `cols` values, either may be undefined); `mean` and `rstd` (rows values each) get
  /// each row's mean and 1 / sqrt(variance + epsilon) for layer_norm_backward.
  virtual void layer_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, int64_t rows,
                                  int64_t cols, float epsilon, Tensor& y, Tensor& mean, Tensor& rstd);
  /// dx, and (where defined) dgamma and dbeta, from dy and what forward saved.
  virtual void layer_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean, const Tensor& rstd,
                                   const Tensor& dy, int64_t rows, int64_t cols, Tensor& dx, Tensor& dgamma,
                                   Tensor& dbeta);

  // ---- batch normalization of channels-last data: x viewed as [rows, channels], one
  // mean and variance per channel. Backends without it answer false to
  // supports(Op::batch_norm_forward, float32) and BatchNormalization composes ops
  // instead; these defaults throw.
  /// y = (x - mean) / sqrt(variance + epsilon) * gamma + beta (gamma, beta of `channels`
  /// values, either may be undefined). With `training` the mean and (biased) variance of
  /// each channel over the rows are computed and written to `mean` and `variance`;
  /// otherwise they are read from them.
  virtual void batch_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, int64_t rows,
                                  int64_t channels, float epsilon, bool training, Tensor& mean, Tensor& variance,
                                  Tensor& y);
  /// dx, and (where defined) dgamma and dbeta, from dy. With `training` the gradient also
  /// flows through the batch statistics forward computed (mean, variance); otherwise those
  /// were constants.
  virtual void batch_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean, const Tensor& variance,
                                   const Tensor& dy, int64_t rows, int64_t channels, float epsilon, bool training,
                                   Tensor& dx, Tensor& dgamma, Tensor& dbeta);

  // ---- random numbers (counter-based: the same seed gives the same numbers on any thread count)
  virtual void random_uniform(Tensor& out, double low, double high, uint64_t seed) = 0;
  virtual void random_normal(Tensor& out, double mean, double stddev, uint64_t seed) = 0;
  /// Normal draws beyond two standard deviations are redrawn (Keras's truncated_normal).
  virtual void random_truncated_normal(Tensor& out, double mean, double stddev, uint64_t seed) = 0;
  /// out = 0 with probability rate, else 1 / (1 - rate).
  virtual void dropout_mask(Tensor& out, double rate, uint64_t seed) = 0;

  // ---- fused optimizer updates, in place on float32 tensors of one shape
  virtual void sgd_update(Tensor& var, const Tensor& grad, Tensor& momentum, float lr, float momentum_coef,
                          bool nesterov) = 0;
  virtual void adam_update(Tensor& var, const Tensor& grad, Tensor& m, Tensor& v, Tensor& v_hat, float alpha,
                           float beta_1, float beta_2, float epsilon, bool amsgrad) = 0;
  virtual void rmsprop_update(Tensor& var, const Tensor& grad, Tensor& velocity, Tensor& momentum,
                              Tensor& average_grad, float lr, float rho, float momentum_coef, float epsilon,
                              bool centered) = 0;
};

/// Makes the backend of a device type; called once, on first use of that type.
using BackendFactory = std::function<std::unique_ptr<Backend>()>;

/// Registers the backend for every device of `type` (one instance serves all indices).
/// The registry registers the CPU backend itself (on its first use) and, in a CUDA
/// build, CUDA; DeviceType::extension is free for a program or a test. Registering again
/// replaces the factory as long as no backend of that type has been made yet; after
/// that it throws RuntimeError (tensors may still hold memory of the first one).
void register_backend(DeviceType type, BackendFactory factory);
/// Whether a backend is registered for `type` (made or not yet).
bool has_backend(DeviceType type);
/// The device types with a registered backend, cpu first.
std::vector<DeviceType> registered_device_types();

/// Called on every tensor allocation (each new Storage; views and borrowed memory are not
/// allocations) with its device and size, from the allocating thread. For tests that check
/// that a step on one device makes no memory anywhere else; nullptr (the default) turns it
/// off. Not for production use: it costs an atomic load per allocation.
using AllocationObserver = void (*)(Device device, size_t nbytes);
void set_allocation_observer(AllocationObserver observer);
/// Storage calls it after each allocation (internal).
void notify_allocation(Device device, size_t nbytes);

/// The backend that owns `device`'s memory, made on first use; throws RuntimeError
/// naming the device when none is registered for its type.
Backend& backend_for(Device device);
inline Backend& backend_for(const Tensor& t) { return backend_for(t.device()); }

}  // namespace keras::backend
