// Turning (x, y) arrays into batches: cardinality checks, validation split, shuffling.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "keras/tensor/tensor.h"
#include "keras/utils/py_dataset.h"

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

/// Where fit and evaluate take their batches from, one epoch at a time: arrays in memory,
/// a PyDataset (prefetched by its workers) or a generator.
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  /// Batches per epoch; std::nullopt when only the data knows (a generator that ends).
  virtual std::optional<int64_t> steps() const = 0;
  virtual void begin_epoch() {}
  /// Batch `step` of this epoch; std::nullopt when the data ran out.
  virtual std::optional<utils::DataBatch> next(int64_t step) = 0;
  /// After the epoch's last batch (or an interruption: workers are stopped here).
  virtual void end_epoch() {}
  /// Whether the batches are already checked and weighted (arrays are, once, up front).
  virtual bool prepared() const { return false; }
};

/// Arrays in memory, batched by a BatchIterator (shuffled each epoch when asked).
class ArraySource : public BatchSource {
 public:
  ArraySource(utils::DataBatch data, int64_t batch_size, bool shuffle, std::optional<int64_t> max_steps = {});
  std::optional<int64_t> steps() const override { return steps_; }
  void begin_epoch() override;
  std::optional<utils::DataBatch> next(int64_t step) override;
  bool prepared() const override { return true; }

 private:
  utils::DataBatch data_;
  int64_t n_, batch_size_, steps_;
  bool shuffle_;
  std::optional<BatchIterator> it_;
};

/// A PyDataset; with workers > 1 its batches are made ahead on that many threads.
class DatasetSource : public BatchSource {
 public:
  DatasetSource(utils::PyDataset& dataset, std::optional<int64_t> max_steps);
  ~DatasetSource() override;
  std::optional<int64_t> steps() const override { return steps_; }
  void begin_epoch() override;
  std::optional<utils::DataBatch> next(int64_t step) override;
  void end_epoch() override;

 private:
  struct Prefetcher;
  utils::PyDataset& dataset_;
  int64_t steps_;
  std::unique_ptr<Prefetcher> prefetcher_;
};

/// A generator: each epoch takes max_steps batches from it, or all it has left.
class GeneratorSource : public BatchSource {
 public:
  GeneratorSource(utils::DataGenerator generator, std::optional<int64_t> max_steps)
      : generator_(std::move(generator)), steps_(max_steps) {}
  std::optional<int64_t> steps() const override { return steps_; }
  std::optional<utils::DataBatch> next(int64_t) override { return generator_(); }

 private:
  utils::DataGenerator generator_;
  std::optional<int64_t> steps_;
};

}  // namespace keras::trainers
