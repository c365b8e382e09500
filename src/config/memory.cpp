#include "keras/config/memory.h"

#include "backend/backend.h"

namespace keras::config {

MemoryInfo get_memory_info(const Device& device) { return backend::backend_for(device).memory_info(); }

void reset_memory_stats(const Device& device) { backend::backend_for(device).reset_peak_memory(); }

void release_cached_memory(const Device& device) { backend::backend_for(device).release_cached_memory(); }

}  // namespace keras::config
