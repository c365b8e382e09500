// keras.utils.timeseries_dataset_from_array, against the examples of Keras's
// timeseries_dataset_utils.py docstring and its tests.
#include "keras/utils/timeseries_dataset.h"

#include <cmath>
#include <numeric>

#include "test_utils.h"

namespace keras::utils {
namespace {

Tensor arange(int64_t n, int64_t features = 1) {
  std::vector<float> v(static_cast<size_t>(n * features));
  std::iota(v.begin(), v.end(), 0.0f);
  return features == 1 ? Tensor::from_vector(v, Shape{n}) : Tensor::from_vector(v, Shape{n, features});
}

std::vector<float> row(const Tensor& batch, int64_t i) {
  const int64_t per = batch.size() / batch.dim(0);
  const auto all = batch.to_vector<float>();
  return {all.begin() + i * per, all.begin() + (i + 1) * per};
}

TEST(TimeseriesDataset, WindowsWithStrideAndSamplingRate) {
  // Keras's docstring: indices 0..98, sequence_length=10, sampling_rate=2,
  // sequence_stride=3 -> [0 2 .. 18], [3 5 .. 21], [6 8 .. 24], ..., last [78 80 .. 96].
  auto ds = timeseries_dataset_from_array(arange(99), Tensor(), 10,
                                          {.sequence_stride = 3, .sampling_rate = 2, .batch_size = 10});
  ASSERT_EQ(ds.start_positions().size(), 27u);
  EXPECT_EQ(ds.size(), 3);
  const DataBatch first = ds.get(0);
  ASSERT_EQ(first.x.size(), 1u);
  EXPECT_TRUE(first.y.empty());
  EXPECT_EQ(first.x[0].shape(), Shape({10, 10}));
  EXPECT_EQ(row(first.x[0], 0), (std::vector<float>{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}));
  EXPECT_EQ(row(first.x[0], 1), (std::vector<float>{3, 5, 7, 9, 11, 13, 15, 17, 19, 21}));
  const DataBatch last = ds.get(2);
  EXPECT_EQ(last.x[0].shape(), Shape({7, 10}));  // 27 windows: 10 + 10 + 7
  EXPECT_EQ(row(last.x[0], 6), (std::vector<float>{78, 80, 82, 84, 86, 88, 90, 92, 94, 96}));
}

TEST(TimeseriesDataset, TargetsOfTheWindowStart) {
  // Keras's docstring: data[:-10] with targets data[10:] predicts the step after a window.
  const Tensor data = arange(100);
  auto ds = timeseries_dataset_from_array(data.slice(0, 90), data.slice(10, 100), 10, {.batch_size = 16});
  EXPECT_EQ(ds.start_positions().size(), 81u);
  const DataBatch b = ds.get(1);
  EXPECT_EQ(row(b.x[0], 0), (std::vector<float>{16, 17, 18, 19, 20, 21, 22, 23, 24, 25}));
  EXPECT_EQ(b.y[0].shape(), Shape({16}));
  EXPECT_EQ(b.y[0].to_vector<float>()[0], 26.0f);

  // Several features and 2-d targets keep their trailing axes; start/end index limit the
  // steps used (targets are read from start_index + position).
  const Tensor feats = arange(20, 3);
  auto part = timeseries_dataset_from_array(feats, feats, 4, {.batch_size = 100, .start_index = 5, .end_index = 15});
  ASSERT_EQ(part.start_positions().size(), 7u);  // 15 - 5 - 3
  const DataBatch p = part.get(0);
  EXPECT_EQ(p.x[0].shape(), Shape({7, 4, 3}));
  EXPECT_EQ(p.y[0].shape(), Shape({7, 3}));
  EXPECT_EQ(row(p.x[0], 0)[0], 15.0f);           // step 5, feature 0
  EXPECT_EQ(row(p.x[0], 6).back(), 14 * 3 + 2);  // the last window ends at step 14
  EXPECT_EQ(row(p.y[0], 6), (std::vector<float>{33, 34, 35}));

  // Fewer targets than windows: as many windows as targets.
  auto short_targets = timeseries_dataset_from_array(arange(20), arange(5), 3, {});
  EXPECT_EQ(short_targets.start_positions().size(), 5u);
}

TEST(TimeseriesDataset, UnbatchedAndShuffled) {
  auto single = timeseries_dataset_from_array(arange(6), arange(6), 3, {.batch_size = std::nullopt});
  EXPECT_EQ(single.size(), 4);
  const DataBatch w = single.get(3);
  EXPECT_EQ(w.x[0].shape(), Shape({3}));
  EXPECT_EQ(w.x[0].to_vector<float>(), (std::vector<float>{3, 4, 5}));
  EXPECT_EQ(w.y[0].shape(), Shape({}));
  EXPECT_EQ(w.y[0].item<float>(), 3.0f);

  // Start positions shuffled by numpy.random.RandomState(0).shuffle: the permutation of
  // range(10) numpy gives for seed 0 is [2 8 4 9 1 6 7 3 0 5].
  auto shuffled = timeseries_dataset_from_array(arange(12), Tensor(), 3, {.shuffle = true, .seed = 0});
  EXPECT_EQ(shuffled.start_positions(), (std::vector<int64_t>{2, 8, 4, 9, 1, 6, 7, 3, 0, 5}));
  EXPECT_EQ(row(shuffled.get(0).x[0], 1), (std::vector<float>{8, 9, 10}));
}

TEST(TimeseriesDataset, FitLearnsTheNextStep) {
  // A noiseless sine: the next value is a linear function of the two before it, so a
  // linear model on windows of 2 learns it almost exactly.
  std::vector<float> wave(400);
  for (size_t i = 0; i < wave.size(); ++i) wave[i] = std::sin(0.3f * static_cast<float>(i));
  const Tensor series = Tensor::from_vector(wave, Shape{400, 1});
  auto train = timeseries_dataset_from_array(series.slice(0, 398), series.slice(2, 400), 2, {.batch_size = 32});
  utils::set_random_seed(3);
  Sequential m({Input({2, 1}), layers::Flatten(), layers::Dense(1)});
  m.compile(optimizers::Adam({.learning_rate = 0.05}), "mse");
  const auto h = m.fit(train, {.epochs = 40, .verbose = 0});
  EXPECT_LT(h.history.at("loss").back(), 1e-3);
  EXPECT_LT(m.evaluate(train, {.verbose = 0}).at("loss"), 1e-3);
}

TEST(TimeseriesDataset, BadArgumentsAreClearErrors) {
  const Tensor d = arange(10);
  using testing::expect_error;
  expect_error<ValueError>([&] { timeseries_dataset_from_array(d, Tensor(), 3, {.start_index = -1}); },
                           {"start_index", "-1"});
  expect_error<ValueError>([&] { timeseries_dataset_from_array(d, Tensor(), 3, {.start_index = 10}); },
                           {"start_index=10", "length 10"});
  expect_error<ValueError>([&] { timeseries_dataset_from_array(d, Tensor(), 3, {.start_index = 4, .end_index = 4}); },
                           {"end_index"});
  expect_error<ValueError>([&] { timeseries_dataset_from_array(d, Tensor(), 3, {.end_index = 10}); }, {"end_index=10"});
  expect_error<ValueError>([&] { timeseries_dataset_from_array(d, Tensor(), 3, {.sampling_rate = 0}); },
                           {"sampling_rate"});
  expect_error<ValueError>([&] { timeseries_dataset_from_array(d, Tensor(), 3, {.sequence_stride = 10}); },
                           {"sequence_stride"});
  expect_error<ValueError>([&] { timeseries_dataset_from_array(d, Tensor(), 0, {}); }, {"sequence_length"});
  expect_error<ValueError>([&] { timeseries_dataset_from_array(d, Tensor(), 11, {}); },
                           {"no window", "sequence_length=11"});
  expect_error<ValueError>([&] { timeseries_dataset_from_array(d, Tensor(), 3, {.batch_size = 0}); }, {"batch_size"});
  expect_error<ValueError>([&] { timeseries_dataset_from_array(Tensor::scalar(1), Tensor(), 1, {}); }, {"data"});
  expect_error<ValueError>([&] { timeseries_dataset_from_array(d, Tensor::scalar(1), 3, {}); }, {"targets"});
  auto ds = timeseries_dataset_from_array(d, Tensor(), 3, {});
  expect_error<ValueError>([&] { ds.get(1); }, {"batch index 1"});
}

}  // namespace
}  // namespace keras::utils
