#include "keras/layers/core/identity.h"

namespace keras::layers {

Identity::Identity(LayerArgs options) : Concrete("Identity", options) {}

std::vector<DType> Identity::compute_output_dtypes(const std::vector<DType>& input_dtypes, size_t n) {
  std::vector<DType> out = Layer::compute_output_dtypes(input_dtypes, n);
  for (size_t i = 0; i < out.size() && i < input_dtypes.size(); ++i)
    if (!is_floating(input_dtypes[i])) out[i] = input_dtypes[i];
  return out;
}

}  // namespace keras::layers
