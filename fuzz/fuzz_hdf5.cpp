// libFuzzer target: the HDF5 reader on any bytes, walking every group, attribute and
// dataset it finds.
#include <functional>

#include "saving/hdf5/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto file = keras::saving::hdf5::File::from_bytes(std::vector<uint8_t>(data, data + size), "fuzz");
    int budget = 2000;
    std::function<void(const keras::saving::hdf5::Object&, int)> walk = [&](const keras::saving::hdf5::Object& o, int depth) {
      if (depth > 16 || --budget < 0) return;
      for (const auto& a : o.attribute_names()) o.attribute(a);
      for (const auto& k : o.keys()) {
        try {
          auto c = o.get(k);
          if (c.is_dataset()) c.read();
          else walk(c, depth + 1);
        } catch (const std::exception&) {
        }
      }
    };
    walk(file.root(), 0);
  } catch (const std::exception&) {
  }
  return 0;
}
