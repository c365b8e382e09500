// keras.layers.StringLookup (keras/src/layers/preprocessing/string_lookup.py): maps
// strings (a DType::string tensor) to integer indices from a vocabulary, or indices back
// to strings with `invert`. Indices, OOV hashing, adapt and the output modes are
// IndexLookup's (index_lookup.h). Defaults: oov_token "[UNK]", one OOV index, no mask.
//
//   layers::StringLookup lookup({.vocabulary = std::vector<std::string>{"a", "b", "c", "d"}});
//   lookup(Tensor::from_vector<std::string>({"a", "c", "d", "z"}, {2, 2}));   // [[1, 3], [4, 0]]
//   layers::StringLookup learned;  learned.adapt(words);   // most frequent first
#pragma once

#include "keras/layers/preprocessing/index_lookup.h"

namespace keras::layers {

using StringLookupOptions = LookupOptions<std::string>;

class StringLookup : public Concrete<StringLookup, IndexLookup<std::string>> {
 public:
  explicit StringLookup(StringLookupOptions options = {}, std::optional<int64_t> frozen_vocabulary_size = {},
                        std::optional<bool> has_input_vocabulary = {});
  /// Keras's keys and order: name, trainable, dtype, invert, max_tokens, num_oov_indices,
  /// oov_token, mask_token, output_mode, sparse, pad_to_max_tokens, idf_weights,
  /// vocabulary, vocabulary_size, oov_method, salt, encoding.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
};

}  // namespace keras::layers
