// Where a tensor's memory lives. CPU is always there; CUDA is added by the CUDA backend;
// `extension` is a slot a program or a test registers its own backend for (the idea of
// PyTorch's PrivateUse1), see register_backend in src/backend/backend.h.
#pragma once

#include <cstdint>
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

}  // namespace keras
