// keras.utils.timeseries_dataset_from_array: sliding windows over a timeseries held in
// one tensor (axis 0 is time), batched as a PyDataset for fit / evaluate / predict.
//
//   // 100 steps of 3 features; windows of 10 steps, the target of a window starting at
//   // i is targets[i] (so targets = data shifted by 10 predicts the next step).
//   auto windows = keras::utils::timeseries_dataset_from_array(
//       data.slice(0, 90), data.slice(10, 100), 10, {.batch_size = 16});
//   model.fit(windows, {.epochs = 5});
#pragma once
#include <cstdint>
#include <optional>

#include "keras/tensor/tensor.h"
#include "keras/utils/py_dataset.h"

namespace keras::utils {

struct TimeseriesDatasetOptions {
  /// Steps between the starts of two successive windows.
  int64_t sequence_stride = 1;
  /// Steps between two successive samples inside a window.
  int64_t sampling_rate = 1;
  /// Windows per batch; std::nullopt yields one window per get() without a batch axis.
  std::optional<int64_t> batch_size = 128;
  /// Shuffle the windows (their start positions, with numpy's RandomState(seed), as Keras).
  bool shuffle = false;
  std::optional<uint64_t> seed{};
  /// Data before start_index and from end_index on are not used (Keras's arguments).
  std::optional<int64_t> start_index{};
  std::optional<int64_t> end_index{};
};

/// The dataset timeseries_dataset_from_array returns: batch b holds the windows
/// data[start_index + p + k * sampling_rate], k < sequence_length, for its start
/// positions p, and (with targets) targets[start_index + p].
class TimeseriesDataset : public PyDataset {
 public:
  TimeseriesDataset(Tensor data, Tensor targets, int64_t sequence_length, TimeseriesDatasetOptions options);
  /// Batches (or windows without batch_size).
  int64_t size() const override;
  DataBatch get(int64_t index) override;
  /// The start positions of the windows, in order (relative to start_index).
  const std::vector<int64_t>& start_positions() const { return starts_; }

 private:
  Tensor data_, targets_;
  int64_t sequence_length_, sampling_rate_, start_index_;
  std::optional<int64_t> batch_size_;
  std::vector<int64_t> starts_;
};

/// Keras's checks in its wording (ValueError): sequence_stride / sampling_rate in
/// [1, len(data)), start_index in [0, len(data)), end_index in (start_index, len(data)),
/// sequence_length >= 1 with at least one window, targets long enough for the windows,
/// batch_size >= 1, data of rank >= 1.
TimeseriesDataset timeseries_dataset_from_array(const Tensor& data, const Tensor& targets, int64_t sequence_length,
                                                TimeseriesDatasetOptions options = {});

}  // namespace keras::utils
