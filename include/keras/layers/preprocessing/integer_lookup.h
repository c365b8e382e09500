// keras.layers.IntegerLookup (keras/src/layers/preprocessing/integer_lookup.py): maps
// integer features to contiguous indices from a vocabulary, or back with `invert`.
// Inputs are integers (int32, int64, uint8) or floats, cast to int64 as Keras does.
// Indices, OOV handling (`token mod num_oov_indices` by default, or oov_method
// "farmhash"), adapt and the output modes are IndexLookup's (index_lookup.h). Defaults:
// oov_token -1, one OOV index, no mask.
//
//   layers::IntegerLookup lookup({.vocabulary = std::vector<int64_t>{12, 36, 1138, 42}});
//   lookup(Tensor::from_vector<int64_t>({12, 1138, 42, 1000}, {2, 2}));   // [[1, 3], [4, 0]]
#pragma once

#include "keras/layers/preprocessing/index_lookup.h"

namespace keras::layers {

using IntegerLookupOptions = LookupOptions<int64_t>;

class IntegerLookup : public Concrete<IntegerLookup, IndexLookup<int64_t>> {
 public:
  explicit IntegerLookup(IntegerLookupOptions options = {}, std::optional<int64_t> frozen_vocabulary_size = {},
                         std::optional<bool> has_input_vocabulary = {});
  /// Keras's keys and order: name, trainable, dtype, invert, max_tokens, num_oov_indices,
  /// oov_token, mask_token, output_mode, sparse, pad_to_max_tokens, vocabulary_dtype
  /// ("int64"), idf_weights, vocabulary, vocabulary_size, oov_method, salt.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
};

}  // namespace keras::layers
