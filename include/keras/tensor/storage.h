// A block of device memory with shared ownership. Tensors are views into a Storage.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
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

  // ---- write versions: a name for the current contents, so a backend may keep data it
  // derived from them (a convolution kernel in oneDNN's blocked layout) until they change.
  /// Declares that every writer of this memory calls note_written() after writing. A
  /// Variable's value is tracked: Variable::assign and Optimizer::apply_gradients declare
  /// their writes. Memory written behind the Variable's back (through raw_data()) is not
  /// seen: write a variable with assign().
  void track_writes() { note_written(); }
  /// Gives version() a new value, never used before by any storage.
  void note_written();
  /// 0 while writes are not tracked; otherwise one state of this storage's contents,
  /// unique across all storages for the life of the process.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  Device device_;
  std::shared_ptr<const void> owner_;  // set for borrowed memory
  std::atomic<uint64_t> version_{0};
};

}  // namespace keras
