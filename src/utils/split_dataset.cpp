// keras/src/utils/dataset_utils.py: split_dataset and _rescale_dataset_split_sizes for a
// list of arrays (the tf.data and torch dataset inputs have no counterpart here).
#include "keras/utils/split_dataset.h"

#include <cmath>

#include "keras/errors.h"
#include "keras/ops/core.h"
#include "utils/shuffle_order.h"

namespace keras::utils {

using keras::detail::cat;

namespace {

std::string show(const std::optional<SplitSize>& s) {
  if (!s) return "None";
  return s->count ? std::to_string(*s->count) : cat(*s->fraction);
}

// A fraction becomes round(f * total) (half to even, like Python's round); a count stays.
double resolve(const SplitSize& s, int64_t total) {
  return s.count ? static_cast<double>(*s.count) : std::nearbyint(*s.fraction * static_cast<double>(total));
}

void check_side(const std::optional<SplitSize>& s, const char* name, int64_t total) {
  if (!s) return;
  const bool bad = s->count ? (*s->count <= 0 || *s->count >= total) : (*s->fraction <= 0 || *s->fraction >= 1);
  if (bad)
    throw ValueError(cat("`", name, "` should be either a positive integer smaller than ", total,
                         ", or a float within the range `[0, 1]`. Received: ", name, "=", show(s)));
}

std::pair<int64_t, int64_t> rescale_split_sizes(const std::optional<SplitSize>& left,
                                                const std::optional<SplitSize>& right, int64_t total) {
  const auto is_zero = [](const std::optional<SplitSize>& s) {
    return s && (s->count ? *s->count == 0 : *s->fraction == 0.0);
  };
  if (is_zero(left) && is_zero(right))
    throw ValueError("Both `left_size` and `right_size` are zero. At least one of the split sizes must be non-zero.");
  check_side(left, "left_size", total);
  check_side(right, "right_size", total);
  if (left && right && left->fraction && right->fraction && *left->fraction + *right->fraction > 1)
    throw ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be less than or equal to 1.");
  double l = left ? resolve(*left, total) : 0, r = right ? resolve(*right, total) : 0;
  if (!left) l = static_cast<double>(total) - r;
  if (!right) r = static_cast<double>(total) - l;
  if (l + r > static_cast<double>(total))
    throw ValueError(cat("The sum of `left_size` and `right_size` should be smaller than the ", total,
                         ". Received: left_size + right_size = ", l + r, "and total_length = ", total));
  for (const auto& [size, side] : {std::pair{l, "left"}, std::pair{r, "right"}})
    if (size == 0)
      throw ValueError(cat("With `dataset` of length=", total, ", `left_size`=", l, " and `right_size`=", r,
                           ". Resulting ", side, " side dataset split will be empty. Adjust any of the ",
                           "aforementioned parameters"));
  return {static_cast<int64_t>(l), static_cast<int64_t>(r)};
}

}  // namespace

std::pair<TensorList, TensorList> split_dataset(const TensorList& dataset, SplitDatasetOptions options) {
  if (dataset.empty()) throw ValueError("split_dataset: `dataset` must hold at least one array");
  if (!options.left_size && !options.right_size)
    throw ValueError(
        "At least one of the `left_size` or `right_size` must be specified. Received: left_size=None and "
        "right_size=None");
  for (size_t i = 0; i < dataset.size(); ++i) {
    if (!dataset[i].defined() || dataset[i].rank() < 1)
      throw ValueError(cat("split_dataset: array ", i, " of `dataset` must have a sample axis (rank >= 1)"));
    if (dataset[i].dim(0) != dataset[0].dim(0))
      throw ValueError(cat("split_dataset: the arrays of `dataset` must have the same length; array 0 has shape ",
                           dataset[0].shape().to_string(), " and array ", i, " has shape ",
                           dataset[i].shape().to_string()));
  }
  const int64_t total = dataset[0].dim(0);
  const auto [left, right] = rescale_split_sizes(options.left_size, options.right_size, total);

  std::vector<int64_t> order(static_cast<size_t>(total));
  for (int64_t i = 0; i < total; ++i) order[static_cast<size_t>(i)] = i;
  if (options.shuffle) order = python_shuffle_permutation(total, options.seed ? *options.seed : random_seed());
  const auto rows = [&](int64_t begin, int64_t count) {
    std::vector<int64_t> r(order.begin() + begin, order.begin() + begin + count);
    return Tensor::from_vector<int64_t>(r, Shape{count});
  };
  const Tensor left_rows = rows(0, left), right_rows = rows(total - right, right);
  TensorList left_part, right_part;
  for (const Tensor& t : dataset) {
    left_part.push_back(ops::take_rows(t, left_rows));
    right_part.push_back(ops::take_rows(t, right_rows));
  }
  return {left_part, right_part};
}

}  // namespace keras::utils
