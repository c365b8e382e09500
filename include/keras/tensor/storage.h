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
  /// Memory owned by someone else (`owner` keeps it alive; nothing is freed here), labelled
  /// as on `device`. For a backend whose memory the host can address (a program's or a
  /// test's stand-in device) to hand its buffers to host kernels as CPU tensors.
  Storage(void* data, size_t nbytes, Device device, std::shared_ptr<const void> owner);
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
  std::shared_ptr<const void> owner_;  // set for borrowed memory
};

}  // namespace keras
