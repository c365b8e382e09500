// A block of device memory with shared ownership. Tensors are views into a Storage.
#pragma once

#include <cstddef>
#include <memory>

#include "keras/tensor/device.h"

namespace keras {

class Storage {
 public:
  /// Allocates `nbytes` on `device` through the device's caching allocator.
  Storage(size_t nbytes, Device device);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

 private:
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  Device device_;
};

}  // namespace keras
