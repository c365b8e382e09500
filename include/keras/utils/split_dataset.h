// keras.utils.split_dataset for arrays in memory: a list of tensors sharing their first
// axis (x, y, sample weights ...) cut into a left and a right part, e.g. train / test.
//
//   auto [train, test] = keras::utils::split_dataset({x, y}, {.left_size = 0.8});
//   model.fit(train[0], train[1]);
#pragma once
#include <cstdint>
#include <optional>
#include <utility>

#include "keras/tensor/tensor.h"

namespace keras::utils {

/// A split size as Keras takes it: a whole number of samples or a fraction in (0, 1).
struct SplitSize {
  SplitSize(int count) : count(count) {}              // NOLINT(google-explicit-constructor): Keras's int
  SplitSize(int64_t count) : count(count) {}          // NOLINT(google-explicit-constructor)
  SplitSize(double fraction) : fraction(fraction) {}  // NOLINT(google-explicit-constructor): Keras's float
  std::optional<int64_t> count;
  std::optional<double> fraction;
};

struct SplitDatasetOptions {
  /// Samples (or the fraction of them) in the left part; std::nullopt: the complement
  /// of right_size. At least one of the two must be given.
  std::optional<SplitSize> left_size{};
  std::optional<SplitSize> right_size{};
  /// Shuffle the samples first, in the order Python's random.seed(seed); random.shuffle
  /// gives (as Keras); seed std::nullopt draws one.
  bool shuffle = false;
  std::optional<uint64_t> seed{};
};

/// (left, right): left takes the first left_size samples, right the last right_size
/// (fractions rounded as Python's round, half to even). ValueError in Keras's wording
/// for sizes out of range, both zero or summing past the data, and for tensors that do
/// not share their first axis.
std::pair<TensorList, TensorList> split_dataset(const TensorList& dataset, SplitDatasetOptions options);

}  // namespace keras::utils
