#include "backend/cuda/libraries.h"

#include <dlfcn.h>

#include <string>

#include "keras/errors.h"

namespace keras::backend::cuda {

namespace {

void* open_library(const std::string& file) {
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    throw RuntimeError(detail::cat("CUDA backend: cannot load ", file, " (", why ? why : "not found",
                                   "); install it or add its folder to LD_LIBRARY_PATH"));
  }
  return handle;
}

template <class Fn>
void load(void* handle, const char* file, const char* name, Fn& fn) {
  fn = reinterpret_cast<Fn>(dlsym(handle, name));
  if (!fn) throw RuntimeError(detail::cat("CUDA backend: ", file, " has no function ", name));
}

// The sonames of the major versions the headers are from.
const std::string kCublasFile = "libcublas.so." + std::to_string(CUBLAS_VER_MAJOR);
const std::string kCudnnFile = "libcudnn.so." + std::to_string(CUDNN_MAJOR);

}  // namespace

const Cublas& cublas_api() {
  static const Cublas table = [] {
    Cublas t;
    void* h = open_library(kCublasFile);
#define KERAS_LOAD_FUNCTION(name) load(h, kCublasFile.c_str(), #name, t.name);
    KERAS_CUBLAS_FUNCTIONS(KERAS_LOAD_FUNCTION)
#undef KERAS_LOAD_FUNCTION
    load(h, kCublasFile.c_str(), "cublasGemmStridedBatchedEx", t.cublasGemmStridedBatchedEx);
    return t;
  }();
  return table;
}

const Cudnn& cudnn_api() {
  static const Cudnn table = [] {
    Cudnn t;
    void* h = open_library(kCudnnFile);
#define KERAS_LOAD_FUNCTION(name) load(h, kCudnnFile.c_str(), #name, t.name);
    KERAS_CUDNN_FUNCTIONS(KERAS_LOAD_FUNCTION)
#undef KERAS_LOAD_FUNCTION
    return t;
  }();
  return table;
}

}  // namespace keras::backend::cuda
