// How much memory a device's allocator holds: tf.config.experimental.get_memory_info's
// figures, for any device with a registered backend.
#pragma once

#include <cstdint>

#include "keras/tensor/device.h"

namespace keras::config {

/// Bytes of a device's memory (sizes as the allocator rounds them).
struct MemoryInfo {
  int64_t current = 0;  // in tensors now
  int64_t peak = 0;     // the most in tensors at once since start or reset_memory_stats
  int64_t cached = 0;   // freed by tensors, kept by the allocator for reuse
};

/// The device's allocator statistics. Backends that do not count answer zeros.
///   auto before = keras::config::get_memory_info();
///   model->predict(x);
///   auto peak = keras::config::get_memory_info().peak;
MemoryInfo get_memory_info(const Device& device = Device::cpu());
/// Starts a new peak: peak = current.
void reset_memory_stats(const Device& device = Device::cpu());
/// Gives the device's cached blocks back to the system (the allocator keeps up to the
/// peak in use, so a one-off peak stays held until this is called).
void release_cached_memory(const Device& device = Device::cpu());

}  // namespace keras::config
