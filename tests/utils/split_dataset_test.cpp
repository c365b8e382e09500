// keras.utils.split_dataset on arrays, against Keras's dataset_utils.py (sizes, errors)
// and Python's random.shuffle (the expected orders below are what CPython 3.11 prints
// for random.seed(s); l = list(range(n)); random.shuffle(l)).
#include "keras/utils/split_dataset.h"

#include <numeric>

#include "test_utils.h"
#include "utils/shuffle_order.h"

namespace keras::utils {
namespace {

Tensor iota_rows(int64_t n, int64_t features) {
  std::vector<float> v(static_cast<size_t>(n * features));
  std::iota(v.begin(), v.end(), 0.0f);
  return Tensor::from_vector(v, Shape{n, features});
}

TEST(SplitDataset, PythonsShuffleOrder) {
  EXPECT_EQ(python_shuffle_permutation(10, 42), (std::vector<int64_t>{7, 3, 2, 8, 5, 6, 9, 4, 0, 1}));
  EXPECT_EQ(python_shuffle_permutation(7, 0), (std::vector<int64_t>{4, 2, 1, 0, 5, 3, 6}));
  EXPECT_EQ(python_shuffle_permutation(5, 1337), (std::vector<int64_t>{1, 0, 3, 2, 4}));
  EXPECT_EQ(python_shuffle_permutation(8, (uint64_t{1} << 40) + 5), (std::vector<int64_t>{1, 2, 3, 6, 7, 0, 5, 4}));
  EXPECT_TRUE(python_shuffle_permutation(0, 1).empty());
}

TEST(SplitDataset, SizesAsKerasRescalesThem) {
  const Tensor x = iota_rows(1000, 4), y = iota_rows(1000, 1);
  auto [left, right] = split_dataset({x, y}, {.left_size = 0.8});  // Keras's docstring example
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].shape(), Shape({800, 4}));
  EXPECT_EQ(right[1].shape(), Shape({200, 1}));
  EXPECT_EQ(right[1].to_vector<float>().front(), 800.0f);  // unshuffled: the tail

  // Counts; right alone; both given leave a gap in the middle (right is the tail).
  EXPECT_EQ(split_dataset({y}, {.left_size = 3}).first[0].dim(0), 3);
  EXPECT_EQ(split_dataset({y}, {.right_size = 0.25}).first[0].dim(0), 750);
  const auto gap = split_dataset({iota_rows(10, 1)}, {.left_size = 2, .right_size = 3});
  EXPECT_EQ(gap.first[0].to_vector<float>(), (std::vector<float>{0, 1}));
  EXPECT_EQ(gap.second[0].to_vector<float>(), (std::vector<float>{7, 8, 9}));
  // Fractions round half to even, as Python's round: 0.25 * 10 -> 2, 0.35 * 10 -> 4.
  EXPECT_EQ(split_dataset({iota_rows(10, 1)}, {.left_size = 0.25}).first[0].dim(0), 2);
  EXPECT_EQ(split_dataset({iota_rows(10, 1)}, {.left_size = 0.35}).first[0].dim(0), 4);
}

TEST(SplitDataset, ShuffledRowsStayTogether) {
  const Tensor x = iota_rows(10, 2), y = iota_rows(10, 1);
  auto [left, right] = split_dataset({x, y}, {.left_size = 4, .shuffle = true, .seed = 3});
  // random.seed(3) shuffles range(10) to [1 5 6 0 9 4 7 2 8 3].
  EXPECT_EQ(left[1].to_vector<float>(), (std::vector<float>{1, 5, 6, 0}));
  EXPECT_EQ(right[1].to_vector<float>(), (std::vector<float>{9, 4, 7, 2, 8, 3}));
  EXPECT_EQ(left[0].to_vector<float>(), (std::vector<float>{2, 3, 10, 11, 12, 13, 0, 1}));
}

TEST(SplitDataset, BadArgumentsAreClearErrors) {
  const Tensor y = iota_rows(10, 1);
  using testing::expect_error;
  expect_error<ValueError>([&] { split_dataset({y}, {}); }, {"left_size", "right_size", "None"});
  expect_error<ValueError>([&] { split_dataset({y}, {.left_size = 0, .right_size = 0}); }, {"zero"});
  expect_error<ValueError>([&] { split_dataset({y}, {.left_size = 10}); }, {"left_size=10", "smaller than 10"});
  expect_error<ValueError>([&] { split_dataset({y}, {.right_size = 1.5}); }, {"right_size=1.5"});
  expect_error<ValueError>([&] { split_dataset({y}, {.left_size = 0.7, .right_size = 0.6}); }, {"greater than 1"});
  expect_error<ValueError>([&] { split_dataset({y}, {.left_size = 6, .right_size = 5}); }, {"sum"});
  expect_error<ValueError>([&] { split_dataset({y}, {.left_size = 0.01}); }, {"left side", "empty"});
  expect_error<ValueError>(
      [&] {
        split_dataset({y, iota_rows(9, 1)}, {.left_size = 2});
      },
      {"same length", "(10, 1)", "(9, 1)"});
  expect_error<ValueError>([&] { split_dataset({}, {.left_size = 2}); }, {"dataset"});
}

}  // namespace
}  // namespace keras::utils
