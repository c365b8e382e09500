#include "keras/tensor/tensor.h"

#include <cmath>
#include <cstring>
#include <ostream>

#include "backend/backend.h"
#include "tensor/allocation_budget.h"

namespace keras {

namespace detail {

[[noreturn]] void throw_dtype_mismatch(DType have, DType want, const char* what) {
  throw TypeError(cat(what, ": the tensor holds ", dtype_name(have), ", not ", dtype_name(want)));
}

[[noreturn]] void throw_not_cpu(const char* what) {
  throw RuntimeError(cat(what, ": the tensor is not in CPU memory; copy it with .to(Device::cpu()) first"));
}

namespace {
float half_to_float(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float f;
  if (exp == 0) {
    f = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    f = mant ? NAN : INFINITY;
  } else {
    f = std::ldexp(static_cast<float>(mant | 0x400), static_cast<int>(exp) - 25);
  }
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  bits |= sign;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t float_to_half(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const float a = std::fabs(f);
  if (std::isnan(a)) return sign | 0x7e00;
  if (a >= 65520.f) return sign | 0x7c00;
  if (a < 6.103515625e-05f) return sign | static_cast<uint16_t>(std::nearbyint(a * 16777216.f));  // subnormal
  int e;
  const float m = std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1)
  uint32_t mant = static_cast<uint32_t>(std::nearbyint((m * 2.f - 1.f) * 1024.f));
  uint32_t exp = static_cast<uint32_t>(e - 1 + 15);
  if (mant == 1024) mant = 0, ++exp;
  return sign | static_cast<uint16_t>(exp << 10) | static_cast<uint16_t>(mant);
}
}  // namespace

double read_as_double(const void* p, DType dtype) {
  switch (dtype) {
    case DType::float32: return *static_cast<const float*>(p);
    case DType::float64: return *static_cast<const double*>(p);
    case DType::int32: return *static_cast<const int32_t*>(p);
    case DType::int64: return static_cast<double>(*static_cast<const int64_t*>(p));
    case DType::uint8: return *static_cast<const uint8_t*>(p);
    case DType::bool_: return *static_cast<const uint8_t*>(p) ? 1.0 : 0.0;
    case DType::float16: return half_to_float(*static_cast<const uint16_t*>(p));
    case DType::bfloat16: {
      uint32_t bits = static_cast<uint32_t>(*static_cast<const uint16_t*>(p)) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    case DType::string: throw TypeError("A string tensor's elements are not numbers");
  }
  return 0;
}

void write_from_double(void* p, DType dtype, double v) {
  switch (dtype) {
    case DType::float32: *static_cast<float*>(p) = static_cast<float>(v); break;
    case DType::float64: *static_cast<double*>(p) = v; break;
    case DType::int32: *static_cast<int32_t*>(p) = static_cast<int32_t>(v); break;
    case DType::int64: *static_cast<int64_t*>(p) = static_cast<int64_t>(v); break;
    case DType::uint8: *static_cast<uint8_t*>(p) = static_cast<uint8_t>(v); break;
    case DType::bool_: *static_cast<uint8_t*>(p) = v != 0 ? 1 : 0; break;
    case DType::float16: *static_cast<uint16_t*>(p) = float_to_half(static_cast<float>(v)); break;
    case DType::bfloat16: {
      float f = static_cast<float>(v);
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      const bool nan = (bits & 0x7fffffffu) > 0x7f800000u;                 // rounding must not carry a NaN into Inf
      bits = nan ? bits | 0x400000u : bits + 0x7fff + ((bits >> 16) & 1);  // round to nearest even
      *static_cast<uint16_t*>(p) = static_cast<uint16_t>(bits >> 16);
      break;
    }
    case DType::string: throw TypeError("A number cannot be stored in a string tensor");
  }
}

[[noreturn]] void throw_string_to_vector(DType have) {
  throw TypeError(cat("Tensor::to_vector: a ", dtype_name(have), " tensor has no strings, and a string tensor no ",
                      "numbers"));
}

}  // namespace detail

const detail::TensorImpl& Tensor::checked() const {
  if (!impl_) throw RuntimeError("Use of an undefined (empty) Tensor");
  return *impl_;
}

Tensor Tensor::empty(const Shape& shape, DType dtype, std::optional<Device> device_in) {
  const Device device = resolve_device(device_in);
  for (int64_t d : shape)
    if (d < 0) throw ValueError(detail::cat("Cannot create a tensor of shape ", shape.to_string()));
  int64_t elements = 1;
  for (int64_t d : shape) {
    if (d > 0 && elements > (int64_t{1} << 50) / d)
      throw ValueError(detail::cat("Cannot create a tensor of shape ", shape.to_string(), ": too large"));
    elements *= d;
  }
  const size_t nbytes = static_cast<size_t>(elements) * dtype_size(dtype);
  detail::charge_allocation(nbytes);
  auto impl = std::make_shared<detail::TensorImpl>();
  if (dtype == DType::string) {
    // Constructed std::string objects, destroyed with the storage: the storage borrows
    // the memory of a vector that its owner pointer keeps alive.
    if (!device.is_cpu())
      throw TypeError(detail::cat("String tensors live in CPU memory only, not on ", device.to_string()));
    auto strings = std::make_shared<std::vector<std::string>>(static_cast<size_t>(elements));
    impl->storage = std::make_shared<Storage>(strings->data(), nbytes, device, strings);
  } else {
    impl->storage = std::make_shared<Storage>(nbytes, device);
  }
  impl->shape = shape;
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor Tensor::zeros(const Shape& shape, DType dtype, std::optional<Device> device) {
  return full(shape, 0.0, dtype, device);
}
Tensor Tensor::ones(const Shape& shape, DType dtype, std::optional<Device> device) {
  return full(shape, 1.0, dtype, device);
}

Tensor Tensor::full(const Shape& shape, double value, DType dtype, std::optional<Device> device) {
  Tensor t = empty(shape, dtype, device);
  backend::backend_for(t).fill(t, value);
  return t;
}

Tensor Tensor::scalar(double value, DType dtype, std::optional<Device> device) {
  return full(Shape{}, value, dtype, device);
}

void* Tensor::raw_data() const {
  const auto& i = checked();
  return static_cast<char*>(i.storage->data()) + i.byte_offset;
}


Tensor Tensor::detach() const {
  const auto& i = checked();
  auto impl = std::make_shared<detail::TensorImpl>();
  impl->storage = i.storage;
  impl->byte_offset = i.byte_offset;
  impl->shape = i.shape;
  impl->dtype = i.dtype;
  return Tensor(std::move(impl));
}

Tensor Tensor::clone() const {
  Tensor out = empty(shape(), dtype(), device());
  backend::backend_for(device()).copy(*this, out);
  return out;
}


Tensor Tensor::to(Device device) const {
  if (device == this->device()) return *this;
  if (dtype() == DType::string)
    throw TypeError(detail::cat("String tensors live in CPU memory only; cannot move one to ", device.to_string()));
  Tensor out = empty(shape(), dtype(), device);
  // The non-CPU side owns the transfer.
  backend::backend_for(device.is_cpu() ? this->device() : device).copy(*this, out);
  return out;
}

void Tensor::note_written() const {
  Storage& s = *checked().storage;
  if (s.version() != 0) s.note_written();
}

bool Tensor::shares_storage_with(const Tensor& other) const {
  return defined() && other.defined() && impl_->storage == other.impl_->storage;
}

Tensor& Tensor::set_requires_grad(bool requires_grad) {
  auto& i = const_cast<detail::TensorImpl&>(checked());
  if (i.grad_fn && !requires_grad)
    throw RuntimeError("set_requires_grad(false) on a tensor produced by a recorded op; use detach()");
  if (requires_grad && !is_floating(i.dtype))
    throw TypeError(detail::cat("Only floating tensors can require gradients, not ", dtype_name(i.dtype)));
  i.requires_grad = requires_grad;
  return *this;
}

std::string Tensor::to_string() const {
  if (!defined()) return "Tensor(undefined)";
  std::ostringstream out;
  out << "Tensor(shape=" << shape().to_string() << ", dtype=" << dtype_name(dtype());
  if (!device().is_cpu()) out << ", device=" << device().to_string();
  out << ", values=[";
  const Tensor host = to(Device::cpu());
  const int64_t n = host.size(), shown = std::min<int64_t>(n, 8);
  const char* base = static_cast<const char*>(host.raw_data());
  for (int64_t i = 0; i < shown; ++i) {
    out << (i ? ", " : "");
    if (dtype() == DType::string)
      out << '"' << host.data<std::string>()[i] << '"';
    else
      out << detail::read_as_double(base + i * static_cast<int64_t>(dtype_size(dtype())), dtype());
  }
  if (n > shown) out << ", ...";
  out << "])";
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const Tensor& t) { return out << t.to_string(); }

}  // namespace keras
