// libFuzzer target: any bytes as a .npy file (numbers, '<U' and '|S' strings), read and,
// when that works, written back and read again.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "keras/tensor/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // load_npy reads a path: one file per fuzzing process, rewritten for each input.
  static const std::string path = "/tmp/keras_fuzz_npy_" + std::to_string(::getpid()) + ".npy";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const keras::Tensor t = keras::load_npy(path);
    keras::save_npy(path, t);
    const keras::Tensor back = keras::load_npy(path);
    if (back.shape() != t.shape() || back.dtype() != t.dtype()) __builtin_trap();
  } catch (const std::exception&) {}
  return 0;
}
