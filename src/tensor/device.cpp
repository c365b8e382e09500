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

}  // namespace keras
