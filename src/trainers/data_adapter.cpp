#include "trainers/data_adapter.h"

#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <numeric>
#include <thread>

#include "keras/ops/core.h"
#include "keras/random/random.h"

namespace keras::trainers {

using keras::detail::cat;

int64_t check_cardinality(const TensorList& x, const TensorList& y) {
  if (x.empty()) throw ValueError("Expected input data `x`, got an empty list");
  std::string xs, ys;
  int64_t n = -1;
  bool mismatch = false;
  auto scan = [&](const TensorList& ts, const char* what, std::string& sizes) {
    for (const auto& t : ts) {
      if (!t.defined()) throw ValueError(cat("Data `", what, "` contains an undefined tensor"));
      if (t.rank() == 0)
        throw ValueError(cat("Data `", what, "` must have a batch dimension; got shape ", t.shape().to_string()));
      sizes += (sizes.empty() ? "" : ", ") + std::to_string(t.dim(0));
      if (n < 0) n = t.dim(0);
      else if (t.dim(0) != n) mismatch = true;
    }
  };
  scan(x, "x", xs);
  scan(y, "y", ys);
  if (mismatch)
    throw ValueError(cat("Data cardinality is ambiguous. Make sure all arrays contain the same number of samples. "
                         "'x' sizes: ", xs, " 'y' sizes: ", ys));
  return n;
}

Split train_validation_split(const TensorList& x, const TensorList& y, double fraction) {
  if (!(fraction > 0.0 && fraction < 1.0))
    throw ValueError(cat("`validation_split` must be between 0 and 1, received: ", fraction));
  const int64_t n = x[0].dim(0);
  const auto split_at = static_cast<int64_t>(std::floor(static_cast<double>(n) * (1.0 - fraction)));
  if (split_at == 0 || split_at == n)
    throw ValueError(cat("Training data contains ", n, " samples, which is not sufficient to split it into a "
                         "validation and training set as specified by `validation_split=", fraction,
                         "`. Either provide more data, or a different value for the `validation_split` argument."));
  Split s;
  for (const auto& t : x) s.train_x.push_back(t.slice(0, split_at)), s.val_x.push_back(t.slice(split_at, n));
  for (const auto& t : y) s.train_y.push_back(t.slice(0, split_at)), s.val_y.push_back(t.slice(split_at, n));
  return s;
}

BatchIterator::BatchIterator(int64_t n, int64_t batch_size, bool shuffle)
    : n_(n), batch_size_(batch_size), num_batches_((n + batch_size - 1) / batch_size) {
  if (batch_size <= 0) throw ValueError(cat("batch_size must be a positive integer, got ", batch_size));
  if (shuffle && n > 1) {
    std::vector<int64_t> p(static_cast<size_t>(n));
    std::iota(p.begin(), p.end(), 0);
    // Fisher-Yates with the library's seeded generator, so runs repeat.
    uint64_t s = random::next_seed();
    for (int64_t i = n - 1; i > 0; --i) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      const auto j = static_cast<int64_t>((s >> 33) % static_cast<uint64_t>(i + 1));
      std::swap(p[static_cast<size_t>(i)], p[static_cast<size_t>(j)]);
    }
    order_ = Tensor::from_vector(p);
  }
}

Tensor BatchIterator::batch(const Tensor& t, int64_t i) const {
  const int64_t begin = i * batch_size_, end = std::min(n_, begin + batch_size_);
  if (!order_.defined()) return t.slice(begin, end);
  return ops::take_rows(t, order_.slice(begin, end).to(t.device()));
}

// ---- batch sources

ArraySource::ArraySource(utils::DataBatch data, int64_t batch_size, bool shuffle, std::optional<int64_t> max_steps)
    : data_(std::move(data)), n_(data_.x.at(0).dim(0)), batch_size_(batch_size), shuffle_(shuffle) {
  if (batch_size <= 0) throw ValueError(cat("batch_size must be a positive integer, got ", batch_size));
  steps_ = (n_ + batch_size - 1) / batch_size;
  if (max_steps) steps_ = std::min(steps_, *max_steps);
}

void ArraySource::begin_epoch() { it_.emplace(n_, batch_size_, shuffle_); }

std::optional<utils::DataBatch> ArraySource::next(int64_t step) {
  if (!it_) begin_epoch();
  utils::DataBatch b;
  for (const auto& t : data_.x) b.x.push_back(it_->batch(t, step));
  for (const auto& t : data_.y) b.y.push_back(it_->batch(t, step));
  for (const auto& t : data_.sample_weight) b.sample_weight.push_back(it_->batch(t, step));
  return b;
}

/// Worker threads calling get() on the indices of one epoch in order, at most `depth`
/// batches ahead of the one last taken; the first exception a worker meets is rethrown
/// to the training thread by take().
struct DatasetSource::Prefetcher {
  utils::PyDataset& dataset;
  const int64_t count, depth;
  std::mutex mu;
  std::condition_variable cv;
  std::map<int64_t, utils::DataBatch> ready;
  std::exception_ptr error;
  int64_t next_index = 0, taken = 0;
  bool stop = false;
  std::vector<std::thread> threads;

  Prefetcher(utils::PyDataset& ds, int64_t n) : dataset(ds), count(n), depth(std::max(1, ds.max_queue_size())) {
    for (int w = 0; w < ds.workers(); ++w) threads.emplace_back([this] { work(); });
  }
  ~Prefetcher() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    cv.notify_all();
    for (auto& t : threads) t.join();
  }
  void work() {
    for (;;) {
      int64_t index;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stop || error || next_index >= count || next_index < taken + depth; });
        if (stop || error || next_index >= count) return;
        index = next_index++;
      }
      try {
        utils::DataBatch b = dataset.get(index);
        std::lock_guard<std::mutex> lock(mu);
        ready.emplace(index, std::move(b));
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
      }
      cv.notify_all();
    }
  }
  utils::DataBatch take(int64_t index) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return error || ready.count(index) > 0; });
    if (error) std::rethrow_exception(error);
    utils::DataBatch b = std::move(ready.at(index));
    ready.erase(index);
    taken = index + 1;
    lock.unlock();
    cv.notify_all();
    return b;
  }
};

DatasetSource::DatasetSource(utils::PyDataset& dataset, std::optional<int64_t> max_steps) : dataset_(dataset) {
  steps_ = dataset.size();
  if (steps_ < 0) throw ValueError(cat("PyDataset: size() returned ", steps_, "; it must be the number of batches"));
  if (max_steps) steps_ = std::min(steps_, *max_steps);
}

DatasetSource::~DatasetSource() = default;

void DatasetSource::begin_epoch() {
  prefetcher_.reset();
  if (dataset_.workers() > 1) prefetcher_ = std::make_unique<Prefetcher>(dataset_, steps_);
}

std::optional<utils::DataBatch> DatasetSource::next(int64_t step) {
  if (prefetcher_) return prefetcher_->take(step);
  return dataset_.get(step);
}

void DatasetSource::end_epoch() {
  prefetcher_.reset();
  dataset_.on_epoch_end();
}

}  // namespace keras::trainers
