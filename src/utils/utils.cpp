#include "keras/utils/utils.h"

#include "keras/ops/core.h"
#include "keras/random/random.h"

namespace keras::utils {

Tensor to_categorical(const Tensor& y, std::optional<int64_t> num_classes) {
  Tensor labels = y.dtype() == DType::int64 ? y : y.astype(DType::int64);
  if (labels.rank() > 1 && labels.dim(-1) == 1) labels = labels.reshape(labels.shape().slice(0, -1));
  const auto v = labels.to_vector<int64_t>();
  int64_t max_label = -1;
  for (int64_t l : v) {
    if (l < 0) throw ValueError(detail::cat("to_categorical: negative class index ", l));
    max_label = std::max(max_label, l);
  }
  const int64_t n = num_classes.value_or(max_label + 1);
  if (n <= 0) throw ValueError(detail::cat("to_categorical: num_classes must be positive, got ", n));
  if (max_label >= n)
    throw ValueError(detail::cat("to_categorical: class index ", max_label, " is out of range for num_classes=", n));
  return ops::one_hot(labels, n);
}

void set_random_seed(uint64_t seed) { random::set_global_seed(seed); }

// clear_session() is defined in src/layers/clear_session.cpp, beside the names it forgets.

}  // namespace keras::utils
