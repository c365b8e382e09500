// Where a tensor's memory lives. CPU is always there; CUDA is added by the CUDA backend;
// `extension` is a slot a program or a test registers its own backend for (the idea of
// PyTorch's PrivateUse1), see register_backend in src/backend/backend.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace keras {

enum class DeviceType : uint8_t { cpu, cuda, extension };

struct Device {
  DeviceType type = DeviceType::cpu;
  int index = 0;

  static Device cpu() { return {DeviceType::cpu, 0}; }
  static Device cuda(int index = 0) { return {DeviceType::cuda, index}; }
  static Device extension(int index = 0) { return {DeviceType::extension, index}; }
  bool is_cpu() const { return type == DeviceType::cpu; }
  bool operator==(const Device&) const = default;
  std::string to_string() const;  // "cpu", "cuda:0", "extension:0"
};

/// The device tensor factories use when they are given none: the innermost live
/// DeviceScope of this thread, else the process's (config::set_default_device, else the
/// KERAS_DEVICE environment variable), else the CPU.
Device default_device();

/// Makes `device` the default device of this thread until the scope ends (RAII; scopes
/// nest, and each thread has its own). Every factory that takes a `std::optional<Device>`
/// (Tensor::empty/zeros/ones/full/scalar/from_vector, keras::random) reads it when called
/// without a device:
///
///   keras::DeviceScope scope(keras::Device::extension(0));
///   auto w = keras::Tensor::zeros({3, 3});        // on extension:0
///   auto c = keras::Tensor::zeros({3}, keras::DType::float32, keras::Device::cpu());  // explicit wins
class DeviceScope {
 public:
  explicit DeviceScope(Device device);
  ~DeviceScope();
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  std::optional<Device> previous_;
};

/// `device` when given, else default_device(): how every factory resolves its argument.
inline Device resolve_device(std::optional<Device> device) { return device ? *device : default_device(); }

}  // namespace keras
