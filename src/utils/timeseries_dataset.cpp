// keras/src/utils/timeseries_dataset_utils.py: the same windows, in the same order for a
// given seed (Keras's tf.data path also reshuffles inside a buffer; its grain path and
// this one keep the seeded order of start positions).
#include "keras/utils/timeseries_dataset.h"

#include <algorithm>

#include "keras/errors.h"
#include "keras/ops/core.h"
#include "utils/shuffle_order.h"

namespace keras::utils {

using keras::detail::cat;

namespace {

void check_arguments(const Tensor& data, const Tensor& targets, int64_t sequence_length,
                     const TimeseriesDatasetOptions& o) {
  if (!data.defined() || data.rank() < 1)
    throw ValueError("timeseries_dataset_from_array: `data` must have a time axis (rank >= 1)");
  const int64_t n = data.dim(0);
  if (o.start_index) {
    if (*o.start_index < 0)
      throw ValueError(cat("`start_index` must be 0 or greater. Received: start_index=", *o.start_index));
    if (*o.start_index >= n)
      throw ValueError(cat("`start_index` must be lower than the length of the data. Received: start_index=",
                           *o.start_index, ", for data of length ", n));
  }
  if (o.end_index) {
    if (o.start_index && *o.end_index <= *o.start_index)
      throw ValueError(cat("`end_index` must be higher than `start_index`. Received: start_index=", *o.start_index,
                           ", and end_index=", *o.end_index));
    if (*o.end_index >= n)
      throw ValueError(cat("`end_index` must be lower than the length of the data. Received: end_index=", *o.end_index,
                           ", for data of length ", n));
    if (*o.end_index <= 0)
      throw ValueError(cat("`end_index` must be higher than 0. Received: end_index=", *o.end_index));
  }
  if (o.sampling_rate <= 0)
    throw ValueError(cat("`sampling_rate` must be higher than 0. Received: sampling_rate=", o.sampling_rate));
  if (o.sampling_rate >= n)
    throw ValueError(cat("`sampling_rate` must be lower than the length of the data. Received: sampling_rate=",
                         o.sampling_rate, ", for data of length ", n));
  if (o.sequence_stride <= 0)
    throw ValueError(cat("`sequence_stride` must be higher than 0. Received: sequence_stride=", o.sequence_stride));
  if (o.sequence_stride >= n)
    throw ValueError(cat("`sequence_stride` must be lower than the length of the data. Received: sequence_stride=",
                         o.sequence_stride, ", for data of length ", n));
  if (sequence_length < 1)
    throw ValueError(cat("`sequence_length` must be 1 or greater. Received: sequence_length=", sequence_length));
  if (o.batch_size && *o.batch_size < 1)
    throw ValueError(cat("`batch_size` must be 1 or greater (or std::nullopt). Received: batch_size=", *o.batch_size));
  if (targets.defined() && targets.rank() < 1)
    throw ValueError(cat("timeseries_dataset_from_array: `targets` must have a time axis (rank >= 1), got shape ",
                         targets.shape().to_string()));
  if (o.shuffle && o.seed && *o.seed > 0xffffffffull)
    throw ValueError(cat("Seed must be between 0 and 2**32 - 1. Received: seed=", *o.seed));
}

Tensor index_tensor(std::vector<int64_t> rows) {
  const auto n = static_cast<int64_t>(rows.size());
  return Tensor::from_vector<int64_t>(rows, Shape{n});
}

}  // namespace

TimeseriesDataset::TimeseriesDataset(Tensor data, Tensor targets, int64_t sequence_length,
                                     TimeseriesDatasetOptions options)
    : data_(std::move(data)),
      targets_(std::move(targets)),
      sequence_length_(sequence_length),
      sampling_rate_(options.sampling_rate),
      start_index_(options.start_index.value_or(0)),
      batch_size_(options.batch_size) {
  check_arguments(data_, targets_, sequence_length, options);
  const int64_t end_index = options.end_index.value_or(data_.dim(0));
  int64_t num_seqs = end_index - start_index_ - (sequence_length - 1) * sampling_rate_;
  if (targets_.defined()) num_seqs = std::min(num_seqs, targets_.dim(0));
  if (num_seqs <= 0)
    throw ValueError(cat("timeseries_dataset_from_array: no window of sequence_length=", sequence_length,
                         " and sampling_rate=", sampling_rate_, " fits in data steps [", start_index_, ", ", end_index,
                         ") (data shape ", data_.shape().to_string(), ")"));
  for (int64_t p = 0; p < num_seqs; p += options.sequence_stride) starts_.push_back(p);
  if (targets_.defined() && start_index_ + starts_.back() >= targets_.dim(0))
    throw ValueError(cat("timeseries_dataset_from_array: the last window needs targets[", start_index_ + starts_.back(),
                         "], but targets has shape ", targets_.shape().to_string()));
  if (options.shuffle) {
    const uint64_t seed = options.seed ? *options.seed : random_seed();
    const std::vector<int64_t> perm = numpy_shuffle_permutation(static_cast<int64_t>(starts_.size()), seed);
    std::vector<int64_t> shuffled(starts_.size());
    for (size_t i = 0; i < perm.size(); ++i) shuffled[i] = starts_[static_cast<size_t>(perm[i])];
    starts_.swap(shuffled);
  }
}

int64_t TimeseriesDataset::size() const {
  const auto n = static_cast<int64_t>(starts_.size());
  return batch_size_ ? (n + *batch_size_ - 1) / *batch_size_ : n;
}

DataBatch TimeseriesDataset::get(int64_t index) {
  if (index < 0 || index >= size())
    throw ValueError(cat("TimeseriesDataset: batch index ", index, " is out of range [0, ", size(), ")"));
  const int64_t per = batch_size_.value_or(1);
  const int64_t first = index * per;
  const int64_t count = std::min(per, static_cast<int64_t>(starts_.size()) - first);
  std::vector<int64_t> steps, target_rows;
  steps.reserve(static_cast<size_t>(count * sequence_length_));
  for (int64_t w = first; w < first + count; ++w) {
    const int64_t begin = start_index_ + starts_[static_cast<size_t>(w)];
    for (int64_t k = 0; k < sequence_length_; ++k) steps.push_back(begin + k * sampling_rate_);
    target_rows.push_back(begin);
  }
  std::vector<int64_t> dims{count, sequence_length_};
  for (int64_t a = 1; a < data_.rank(); ++a) dims.push_back(data_.dim(a));
  if (!batch_size_) dims.erase(dims.begin());
  DataBatch batch;
  batch.x.push_back(ops::take_rows(data_, index_tensor(steps)).reshape(Shape(dims)));
  if (targets_.defined()) {
    Tensor y = ops::take_rows(targets_, index_tensor(target_rows));
    if (!batch_size_) {
      std::vector<int64_t> one(y.shape().dims().begin() + 1, y.shape().dims().end());
      y = y.reshape(Shape(one));
    }
    batch.y.push_back(y);
  }
  return batch;
}

TimeseriesDataset timeseries_dataset_from_array(const Tensor& data, const Tensor& targets, int64_t sequence_length,
                                                TimeseriesDatasetOptions options) {
  return TimeseriesDataset(data, targets, sequence_length, options);
}

}  // namespace keras::utils
