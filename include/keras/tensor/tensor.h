// Tensor: an n-dimensional array of one dtype on one device, a cheap handle to shared,
// contiguous (C-order) storage. Copies of a Tensor share data; clone() copies it.
//
//   auto x = keras::Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2});
//   auto y = (x * 2.0f + 1.0f).reshape({4});
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "keras/errors.h"
#include "keras/tensor/device.h"
#include "keras/tensor/dtype.h"
#include "keras/tensor/shape.h"
#include "keras/tensor/storage.h"

namespace keras {

namespace autograd {
struct Node;
}

namespace detail {
/// What a Tensor handle points to. The autograd fields are set by ops while a
/// GradientTape records (see keras/autograd/gradient_tape.h).
struct TensorImpl {
  std::shared_ptr<Storage> storage;
  size_t byte_offset = 0;
  Shape shape;
  DType dtype = DType::float32;
  bool requires_grad = false;
  std::shared_ptr<autograd::Node> grad_fn;  // the op that produced this tensor, if recorded
  uint32_t output_nr = 0;                   // which output of grad_fn
  // Keras's `_keras_mask`: which timesteps of a sequence are valid (bool, shape (batch, time)),
  // set by layers that make or pass on masks (Embedding(mask_zero), Masking, RNNs, ...).
  std::shared_ptr<TensorImpl> keras_mask;
};
}  // namespace detail

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<detail::TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- creation
  // `device`: where the tensor lives; left out (std::nullopt), the current default device
  // (keras::default_device(): the innermost DeviceScope, else the CPU). Code below the
  // public API that makes a tensor for another tensor passes that tensor's device.
  static Tensor empty(const Shape& shape, DType dtype = DType::float32, std::optional<Device> device = {});
  static Tensor zeros(const Shape& shape, DType dtype = DType::float32, std::optional<Device> device = {});
  static Tensor ones(const Shape& shape, DType dtype = DType::float32, std::optional<Device> device = {});
  static Tensor full(const Shape& shape, double value, DType dtype = DType::float32,
                     std::optional<Device> device = {});
  /// A rank-0 tensor.
  static Tensor scalar(double value, DType dtype = DType::float32, std::optional<Device> device = {});
  /// Copies `values` (C order) into a new tensor of `shape` (through host memory). With
  /// T = std::string, a DType::string tensor (CPU only).
  template <class T>
  static Tensor from_vector(const std::vector<T>& values, const Shape& shape, std::optional<Device> device = {});
  template <class T>
  static Tensor from_vector(const std::vector<T>& values) {
    return from_vector(values, Shape{static_cast<int64_t>(values.size())});
  }

  // ---- properties
  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return checked().shape; }
  int64_t rank() const { return shape().rank(); }
  /// Python-style dimension access: dim(-1) is the last one.
  int64_t dim(int64_t i) const { return shape().dim(i); }
  /// Number of elements.
  int64_t size() const { return shape().num_elements(); }
  DType dtype() const { return checked().dtype; }
  Device device() const { return checked().storage->device(); }
  size_t nbytes() const { return static_cast<size_t>(size()) * dtype_size(dtype()); }

  // ---- raw access: for backends, I/O and tests. Layers never touch memory.
  /// Writing through `raw_data()`/`data<T>()` into a Variable's value must be followed by
  /// note_written() (or use Variable::assign): a backend may hold data derived from the
  /// contents until their version changes (see Storage::version), as PyTorch's in-place
  /// version counter does not see writes through data_ptr() either.
  void* raw_data() const;
  template <class T>
  T* data() const;
  /// The single element of a one-element tensor, converted to T.
  template <class T>
  T item() const;
  /// One element by full index, converted to T (CPU only; for tests and debugging).
  template <class T>
  T at(std::initializer_list<int64_t> index) const;
  /// All elements in C order, converted to T (T = std::string for a string tensor).
  template <class T>
  std::vector<T> to_vector() const;

  // ---- views and copies (differentiable where it makes sense)
  /// Same data, new shape; one dimension may be -1.
  Tensor reshape(const Shape& shape) const;
  /// Rows [begin, end) of axis 0, sharing data.
  Tensor slice(int64_t begin, int64_t end) const;
  /// Same data, cut off from the gradient tape.
  Tensor detach() const;
  /// A deep copy (not recorded on the tape).
  Tensor clone() const;
  Tensor astype(DType dtype) const;
  Tensor to(Device device) const;
  bool shares_storage_with(const Tensor& other) const;

  // ---- Keras masks (see layers/layer.h): an undefined Tensor when there is none
  Tensor keras_mask() const { return impl_ ? Tensor(impl_->keras_mask) : Tensor(); }
  void set_keras_mask(const Tensor& mask) const { checked_mut().keras_mask = mask.impl_; }

  // ---- autograd
  bool requires_grad() const { return impl_ && impl_->requires_grad; }
  /// Marks this tensor as a leaf whose gradient a GradientTape can be asked for.
  Tensor& set_requires_grad(bool requires_grad = true);

  /// Declares the memory written through `raw_data()`/`data<T>()`: gives the storage a new
  /// version if it tracks writes.
  void note_written() const;

  /// Short description: shape, dtype and up to a few values.
  std::string to_string() const;

  detail::TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<detail::TensorImpl>& impl_ptr() const { return impl_; }

 private:
  const detail::TensorImpl& checked() const;
  detail::TensorImpl& checked_mut() const { return const_cast<detail::TensorImpl&>(checked()); }
  std::shared_ptr<detail::TensorImpl> impl_;
};

using TensorList = std::vector<Tensor>;

// Arithmetic with NumPy broadcasting (see keras/ops/math.h); recorded on the tape.
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, double b);
Tensor operator-(const Tensor& a, double b);
Tensor operator*(const Tensor& a, double b);
Tensor operator/(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(double a, const Tensor& b);
Tensor operator-(const Tensor& a);

std::ostream& operator<<(std::ostream& out, const Tensor& t);

// ---- template definitions

namespace detail {
[[noreturn]] void throw_dtype_mismatch(DType have, DType want, const char* what);
[[noreturn]] void throw_not_cpu(const char* what);
double read_as_double(const void* p, DType dtype);
[[noreturn]] void throw_string_to_vector(DType have);
void write_from_double(void* p, DType dtype, double v);
}  // namespace detail

template <class T>
T* Tensor::data() const {
  if (dtype() != dtype_of<T>()) detail::throw_dtype_mismatch(dtype(), dtype_of<T>(), "Tensor::data");
  if (!device().is_cpu()) detail::throw_not_cpu("Tensor::data");
  return static_cast<T*>(raw_data());
}

template <class T>
Tensor Tensor::from_vector(const std::vector<T>& values, const Shape& shape, std::optional<Device> device) {
  if (static_cast<int64_t>(values.size()) != shape.num_elements())
    throw ValueError(detail::cat("Tensor::from_vector: ", values.size(), " values do not fill shape ",
                                 shape.to_string()));
  const Device target = resolve_device(device);
  Tensor t = empty(shape, dtype_of<T>(), Device::cpu());
  T* p = t.data<T>();
  for (size_t i = 0; i < values.size(); ++i) p[i] = values[i];
  return t.to(target);
}

template <class T>
T Tensor::item() const {
  if (size() != 1)
    throw ValueError(detail::cat("Tensor::item: expected one element, got shape ", shape().to_string()));
  if (!device().is_cpu()) return to(Device::cpu()).item<T>();
  return static_cast<T>(detail::read_as_double(raw_data(), dtype()));
}

template <class T>
T Tensor::at(std::initializer_list<int64_t> index) const {
  if (static_cast<int64_t>(index.size()) != rank())
    throw ValueError(detail::cat("Tensor::at: index of ", index.size(), " values for a tensor of rank ", rank()));
  if (!device().is_cpu()) detail::throw_not_cpu("Tensor::at");
  int64_t flat = 0, axis = 0;
  for (int64_t i : index) {
    int64_t d = shape()[static_cast<size_t>(axis)];
    if (i < 0) i += d;
    if (i < 0 || i >= d)
      throw ValueError(detail::cat("Tensor::at: index out of range on axis ", axis, " of shape ",
                                   shape().to_string()));
    flat = flat * d + i;
    ++axis;
  }
  const char* base = static_cast<const char*>(raw_data());
  return static_cast<T>(detail::read_as_double(base + flat * static_cast<int64_t>(dtype_size(dtype())), dtype()));
}

template <class T>
std::vector<T> Tensor::to_vector() const {
  if (!device().is_cpu()) return to(Device::cpu()).to_vector<T>();
  std::vector<T> out(static_cast<size_t>(size()));
  if constexpr (std::is_same_v<T, std::string>) {
    if (dtype() != DType::string) detail::throw_string_to_vector(dtype());
    const T* p = static_cast<const T*>(raw_data());
    for (size_t i = 0; i < out.size(); ++i) out[i] = p[i];
  } else if (dtype() == DType::string) {
    detail::throw_string_to_vector(dtype());
  } else if (dtype() == dtype_of<T>()) {
    const T* p = static_cast<const T*>(raw_data());
    for (size_t i = 0; i < out.size(); ++i) out[i] = p[i];
  } else {
    const char* base = static_cast<const char*>(raw_data());
    const size_t step = dtype_size(dtype());
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<T>(detail::read_as_double(base + i * step, dtype()));
  }
  return out;
}

}  // namespace keras
