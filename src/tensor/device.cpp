#include "keras/tensor/device.h"

namespace keras {

std::string Device::to_string() const {
  switch (type) {
    case DeviceType::cpu: return "cpu";
    case DeviceType::cuda: return "cuda:" + std::to_string(index);
    case DeviceType::extension: return "extension:" + std::to_string(index);
  }
  return "unknown:" + std::to_string(index);
}

namespace {
/// Empty outside any scope, which means the CPU.
thread_local std::optional<Device> current_default;
}  // namespace

Device default_device() { return current_default.value_or(Device::cpu()); }

DeviceScope::DeviceScope(Device device) : previous_(current_default) { current_default = device; }
DeviceScope::~DeviceScope() { current_default = previous_; }

}  // namespace keras
