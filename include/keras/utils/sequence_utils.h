// keras.utils.pad_sequences: lists of different lengths to one (samples, maxlen) tensor,
// padded and truncated at the start ("pre", Keras's default) or the end ("post").
//
//   Tensor ids = utils::pad_sequences({{1, 2, 3}, {4, 5}}, {.maxlen = 4});  // [[0 1 2 3] [0 0 4 5]]
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::utils {

struct PadSequencesOptions {
  /// Length of every row; the longest sequence when unset.
  std::optional<int64_t> maxlen{};
  DType dtype = DType::int32;
  /// "pre" or "post": where the padding goes.
  std::string padding = "pre";
  /// "pre" or "post": which end of a longer sequence is cut.
  std::string truncating = "pre";
  double value = 0.0;
};

/// ValueError for padding/truncating other than "pre"/"post" or a negative maxlen.
Tensor pad_sequences(const std::vector<std::vector<double>>& sequences, PadSequencesOptions options = {});

}  // namespace keras::utils
