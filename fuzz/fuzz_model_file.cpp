// libFuzzer target: any bytes as a model file (.keras zip or legacy .h5). Loading must
// end in a keras exception or a model, never a crash, hang or huge allocation.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "keras/saving/saving.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/keras_fuzz_model_" + std::to_string(::getpid());
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  try {
    auto model = keras::models::load_model(path);
    model->summary_string();
  } catch (const std::exception&) {
  }
  return 0;
}
