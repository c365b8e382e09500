// keras.utils.PyDataset: data that is not one tensor in memory (files on disk, batches
// made on the fly), given to fit / evaluate / predict one batch at a time. Subclass it
// with size() (Keras's __len__: batches per epoch) and get(index) (Keras's __getitem__);
// with workers > 1, get() runs on that many threads, up to max_queue_size batches ahead
// of training, so a slow loader does not leave the model waiting. get() must then be
// safe to call from several threads at once, as in Keras.
//
//   struct Images : utils::PyDataset {
//     Images() : PyDataset({.workers = 4}) {}
//     int64_t size() const override { return 100; }
//     utils::DataBatch get(int64_t i) override { return {{load_images(i)}, {load_labels(i)}}; }
//   };
//   model.fit(images, {.epochs = 3});
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "keras/tensor/tensor.h"

namespace keras::utils {

/// One batch: the model's inputs, its targets (empty for predict) and optional sample
/// weights (one array for all outputs, or one per output).
struct DataBatch {
  TensorList x, y, sample_weight{};
};

struct PyDatasetOptions {
  /// Threads calling get() (1: in the training thread, between steps).
  int workers = 1;
  /// Keras runs workers as processes with this; threads serve here, so it is refused.
  bool use_multiprocessing = false;
  /// How many batches the workers may prepare ahead of the one training uses.
  int max_queue_size = 10;
};

class PyDataset {
 public:
  /// ValueError for workers < 1, max_queue_size < 1 or use_multiprocessing.
  explicit PyDataset(PyDatasetOptions options = {});
  virtual ~PyDataset() = default;
  /// Batches per epoch.
  virtual int64_t size() const = 0;
  /// Batch `index` (0 <= index < size()).
  virtual DataBatch get(int64_t index) = 0;
  /// Called after every epoch (e.g. to reshuffle).
  virtual void on_epoch_end() {}

  int workers() const { return o_.workers; }
  int max_queue_size() const { return o_.max_queue_size; }

 private:
  PyDatasetOptions o_;
};

/// A generator as Keras's fit takes one: each call gives the next batch, std::nullopt
/// when the data ends (fit then needs no steps_per_epoch; an endless generator does).
using DataGenerator = std::function<std::optional<DataBatch>()>;

}  // namespace keras::utils
