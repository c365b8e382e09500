// Turning (x, y) arrays into batches: cardinality checks, validation split, shuffling.
#pragma once

#include <optional>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::trainers {

/// Throws Keras's "Data cardinality is ambiguous" when the arrays differ in length;
/// returns the common number of samples.
int64_t check_cardinality(const TensorList& x, const TensorList& y);

struct Split {
  TensorList train_x, train_y, val_x, val_y;
};
/// Keras's train_validation_split: the last `fraction` of the samples (before shuffling).
Split train_validation_split(const TensorList& x, const TensorList& y, double fraction);

/// Batches of one epoch, optionally in a shuffled order.
class BatchIterator {
 public:
  BatchIterator(int64_t num_samples, int64_t batch_size, bool shuffle);
  int64_t num_batches() const { return num_batches_; }
  /// Rows of batch i of `t` (a view when not shuffled, a gathered copy otherwise).
  Tensor batch(const Tensor& t, int64_t i) const;

 private:
  int64_t n_, batch_size_, num_batches_;
  Tensor order_;  // int64 permutation, or undefined when not shuffled
};

}  // namespace keras::trainers
