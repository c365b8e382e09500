#include "keras/tensor/device.h"

namespace keras {

std::string Device::to_string() const {
  return type == DeviceType::cpu ? std::string("cpu") : "cuda:" + std::to_string(index);
}

}  // namespace keras
