// libFuzzer target: any bytes as a Keras config.json, deserialized into layers / models.
#include <string>

#include "keras/saving/saving.h"
#include "saving/json_utils.h"
#include "tensor/allocation_budget.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    keras::detail::AllocationBudget budget(uint64_t{64} << 20, "fuzz config");
    const auto config = keras::saving::parse_json(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    auto layer = keras::saving::deserialize_layer(config);
    keras::saving::serialize_layer(*layer);
  } catch (const std::exception&) {
  }
  return 0;
}
