#include "keras/tensor/storage.h"

#include "backend/backend.h"

namespace keras {

Storage::Storage(size_t nbytes, Device device) : nbytes_(nbytes), device_(device) {
  data_ = backend::backend_for(device).allocate(nbytes);
  backend::notify_allocation(device, nbytes);
}

Storage::Storage(void* data, size_t nbytes, Device device, std::shared_ptr<const void> owner)
    : data_(data), nbytes_(nbytes), device_(device), owner_(std::move(owner)) {}

void Storage::note_written() {
  static std::atomic<uint64_t> next{1};
  version_.store(next.fetch_add(1, std::memory_order_relaxed), std::memory_order_release);
}

Storage::~Storage() {
  if (!owner_) backend::backend_for(device_).deallocate(data_, nbytes_);
}

}  // namespace keras
