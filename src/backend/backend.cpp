// The backend registry, and what every backend shares.
//
// Why the CPU backend is registered here and not by a static initialiser in cpu/: the
// library is a static archive, and the linker drops an object file that nothing
// references, registration and all. Registering it from the registry itself (on first
// use) keeps it in every program.
#include "backend/backend.h"

#include <atomic>
#include <mutex>

#include "backend/cpu/cpu_backend.h"
#include "backend/half_precision.h"

namespace keras::backend {

std::string_view op_name(Op op) {
  switch (op) {
    case Op::copy: return "copy";
    case Op::fill: return "fill";
    case Op::cast: return "cast";
    case Op::unary: return "unary";
    case Op::unary_backward: return "unary_backward";
    case Op::binary: return "binary";
    case Op::reduce: return "reduce";
    case Op::argmax: return "argmax";
    case Op::transpose: return "transpose";
    case Op::take_rows: return "take_rows";
    case Op::scatter_add_rows: return "scatter_add_rows";
    case Op::copy_slab: return "copy_slab";
    case Op::one_hot: return "one_hot";
    case Op::matmul: return "matmul";
    case Op::conv_forward: return "conv_forward";
    case Op::conv_backward_data: return "conv_backward_data";
    case Op::conv_backward_weights: return "conv_backward_weights";
    case Op::pool_forward: return "pool_forward";
    case Op::pool_backward: return "pool_backward";
    case Op::softmax: return "softmax";
    case Op::softmax_backward: return "softmax_backward";
    case Op::recurrence_forward: return "recurrence_forward";
    case Op::recurrence_backward: return "recurrence_backward";
    case Op::attention_forward:
      return "attention_forward";
    case Op::attention_backward:
      return "attention_backward";
    case Op::layer_norm_forward:
      return "layer_norm_forward";
    case Op::layer_norm_backward:
      return "layer_norm_backward";
    case Op::batch_norm_forward:
      return "batch_norm_forward";
    case Op::batch_norm_backward:
      return "batch_norm_backward";
    case Op::random_uniform: return "random_uniform";
    case Op::random_normal: return "random_normal";
    case Op::random_truncated_normal: return "random_truncated_normal";
    case Op::dropout_mask: return "dropout_mask";
    case Op::sgd_update: return "sgd_update";
    case Op::adam_update: return "adam_update";
    case Op::rmsprop_update: return "rmsprop_update";
  }
  return "unknown";
}

void check_block(const Tensor& x, const std::vector<int64_t>& offsets, bool extract, const Tensor& out) {
  const Tensor& small = extract ? out : x;
  const Tensor& big = extract ? x : out;
  bool ok =
      small.rank() == big.rank() && small.dtype() == big.dtype() && static_cast<int64_t>(offsets.size()) == big.rank();
  for (size_t k = 0; ok && k < offsets.size(); ++k)
    ok = offsets[k] >= 0 && offsets[k] + small.shape()[k] <= big.shape()[k];
  if (!ok) {
    std::string at;
    for (int64_t o : offsets) at += (at.empty() ? "" : ", ") + std::to_string(o);
    throw ValueError(keras::detail::cat("copy_slab: a block of shape ", small.shape().to_string(), " (",
                                        dtype_name(small.dtype()), ") does not fit in shape ", big.shape().to_string(),
                                        " (", dtype_name(big.dtype()), ") at offsets (", at, ")"));
  }
}

bool unary_grad_uses_output(UnaryOp op) {
  switch (op) {
    case UnaryOp::sqrt:
    case UnaryOp::rsqrt:
    case UnaryOp::exp:
    case UnaryOp::reciprocal:
    case UnaryOp::sigmoid:
    case UnaryOp::tanh:
      return true;
    default:
      return false;
  }
}

int RecurrenceGeometry::gates() const {
  switch (kind) {
    case RecurrenceKind::lstm: return 4;
    case RecurrenceKind::gru: return 3;
    default: return 1;
  }
}

std::shared_ptr<Workspace> Backend::recurrence_forward(const RecurrenceGeometry&, const Tensor&, const Tensor&,
                                                       const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                                       Tensor&, Tensor&, Tensor&, bool) {
  throw RuntimeError(detail::cat("recurrence_forward: the ", device().to_string(),
                                 " backend has no fused recurrent kernels"));
}

void Backend::recurrence_backward(const RecurrenceGeometry&, const Workspace&, const Tensor&, const Tensor&,
                                  const Tensor&, Tensor&, Tensor&, Tensor&, Tensor&, Tensor&, Tensor&) {
  throw RuntimeError(detail::cat("recurrence_backward: the ", device().to_string(),
                                 " backend has no fused recurrent kernels"));
}

std::shared_ptr<Workspace> Backend::attention_forward(const AttentionGeometry&, const Tensor&, const Tensor&,
                                                      const Tensor&, const Tensor&, Tensor&, bool) {
  throw RuntimeError(detail::cat("attention_forward: the ", device().to_string(), " backend has no fused attention"));
}

void Backend::attention_backward(const AttentionGeometry&, const Workspace&, const Tensor&, Tensor&, Tensor&, Tensor&) {
  throw RuntimeError(detail::cat("attention_backward: the ", device().to_string(), " backend has no fused attention"));
}

void Backend::layer_norm_forward(const Tensor&, const Tensor&, const Tensor&, int64_t, int64_t, float, Tensor&, Tensor&,
                                 Tensor&) {
  throw RuntimeError(detail::cat("layer_norm_forward: the ", device().to_string(), " backend has no fused layer norm"));
}

void Backend::layer_norm_backward(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&, int64_t,
                                  int64_t, Tensor&, Tensor&, Tensor&) {
  throw RuntimeError(
      detail::cat("layer_norm_backward: the ", device().to_string(), " backend has no fused layer norm"));
}

void Backend::batch_norm_forward(const Tensor&, const Tensor&, const Tensor&, int64_t, int64_t, float, bool, Tensor&,
                                 Tensor&, Tensor&) {
  throw RuntimeError(detail::cat("batch_norm_forward: the ", device().to_string(), " backend has no fused batch norm"));
}

void Backend::batch_norm_backward(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&, int64_t,
                                  int64_t, float, bool, Tensor&, Tensor&, Tensor&) {
  throw RuntimeError(
      detail::cat("batch_norm_backward: the ", device().to_string(), " backend has no fused batch norm"));
}

#ifdef KERAS_HAS_CUDA
namespace cuda {
/// Defined in src/backend/cuda/ (compiled only when CMake found a CUDA toolkit).
std::unique_ptr<Backend> make_cuda_backend();
/// Usable CUDA devices (0 without a driver or a device; `why` says which).
int device_count(std::string* why);
}  // namespace cuda
#endif

namespace {

constexpr size_t kDeviceTypes = static_cast<size_t>(DeviceType::extension) + 1;

/// DeviceType -> factory and, once made, the backend. backend_for runs on every tensor
/// allocation and op, so a made backend is also published in an atomic slot that is
/// read without the lock.
class Registry {
 public:
  static Registry& instance() {
    static auto* r = new Registry();  // never destroyed: tensors may outlive static destructors
    return *r;
  }

  void add(DeviceType type, BackendFactory factory) {
    if (!factory) throw ValueError(detail::cat("register_backend: the factory for ", name(type), " is empty"));
    std::lock_guard<std::mutex> lock(mutex_);
    const size_t i = static_cast<size_t>(type);
    if (made_[i].load(std::memory_order_acquire))
      throw RuntimeError(detail::cat("register_backend: a backend for ", name(type),
                                     " is already in use; register before the first tensor on that device"));
    factories_[i] = std::move(factory);
    if (type == DeviceType::cuda) cuda_probe_pending_ = false;  // a program's own: kept as given
  }

  std::string cuda_unusable() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cuda_unusable_;
  }

  bool has(DeviceType type) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (type == DeviceType::cuda) probe_cuda();
    return static_cast<bool>(factories_[static_cast<size_t>(type)]);
  }

  Backend* get(DeviceType type) {
    const size_t i = static_cast<size_t>(type);
    if (Backend* b = made_[i].load(std::memory_order_acquire)) return b;
    std::lock_guard<std::mutex> lock(mutex_);
    if (Backend* b = made_[i].load(std::memory_order_relaxed)) return b;
    if (type == DeviceType::cuda) probe_cuda();
    if (!factories_[i]) return nullptr;
    std::unique_ptr<Backend> made = factories_[i]();
    if (!made) throw RuntimeError(detail::cat("The backend factory for ", name(type), " returned no backend"));
    owned_[i] = std::make_unique<HalfPrecisionAdapter>(std::move(made));  // 16-bit floats everywhere
    made_[i].store(owned_[i].get(), std::memory_order_release);
    return owned_[i].get();
  }

 private:
  Registry() {
    factories_[static_cast<size_t>(DeviceType::cpu)] = [] { return std::make_unique<cpu::CpuBackend>(); };
#ifdef KERAS_HAS_CUDA
    factories_[static_cast<size_t>(DeviceType::cuda)] = [] { return cuda::make_cuda_backend(); };
    cuda_probe_pending_ = true;
#endif
  }

  /// A CUDA build keeps its CUDA backend only where a device is usable, so that on a
  /// machine without a GPU it lists (and tests) the CPU alone, and backend_for says why.
  /// Asked the first time CUDA is (not at start: initialising the driver costs a CPU-only
  /// program on a GPU machine tenths of a second). Under mutex_.
  void probe_cuda() {
#ifdef KERAS_HAS_CUDA
    if (!cuda_probe_pending_) return;
    cuda_probe_pending_ = false;
    if (cuda::device_count(&cuda_unusable_) == 0) factories_[static_cast<size_t>(DeviceType::cuda)] = nullptr;
#endif
  }

  static std::string name(DeviceType type) { return Device{type, 0}.to_string(); }

  bool cuda_probe_pending_ = false;
  std::string cuda_unusable_;  // why a CUDA build keeps no CUDA backend
  std::mutex mutex_;
  std::array<BackendFactory, kDeviceTypes> factories_{};
  std::array<std::unique_ptr<Backend>, kDeviceTypes> owned_{};
  std::array<std::atomic<Backend*>, kDeviceTypes> made_{};
};

}  // namespace

void register_backend(DeviceType type, BackendFactory factory) { Registry::instance().add(type, std::move(factory)); }

bool has_backend(DeviceType type) { return Registry::instance().has(type); }

std::vector<DeviceType> registered_device_types() {
  std::vector<DeviceType> types;
  for (size_t i = 0; i < kDeviceTypes; ++i)
    if (has_backend(static_cast<DeviceType>(i))) types.push_back(static_cast<DeviceType>(i));
  return types;
}

namespace {
std::atomic<AllocationObserver> g_allocation_observer{nullptr};
}  // namespace

void set_allocation_observer(AllocationObserver observer) { g_allocation_observer.store(observer); }

void notify_allocation(Device device, size_t nbytes) {
  if (AllocationObserver o = g_allocation_observer.load(std::memory_order_relaxed)) o(device, nbytes);
}

Backend& backend_for(Device device) {
  if (Backend* b = Registry::instance().get(device.type)) return *b;
  if (device.type == DeviceType::cuda) {
#ifdef KERAS_HAS_CUDA
    throw RuntimeError(detail::cat("No backend for device ", device.to_string(),
                                   ": this build has CUDA support but no usable CUDA device (",
                                   Registry::instance().cuda_unusable(), ")"));
#else
    throw RuntimeError(detail::cat("No backend for device ", device.to_string(), ": this build has no CUDA support"));
#endif
  }
  throw RuntimeError(detail::cat("No backend for device ", device.to_string(),
                                 ": none is registered for it (see register_backend)"));
}

}  // namespace keras::backend
