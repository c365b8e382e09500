#include "keras/tensor/storage.h"

#include "backend/backend.h"

namespace keras {

Storage::Storage(size_t nbytes, Device device) : nbytes_(nbytes), device_(device) {
  data_ = backend::backend_for(device).allocate(nbytes);
}

Storage::~Storage() { backend::backend_for(device_).deallocate(data_, nbytes_); }

}  // namespace keras
