// Image-segmentation, similarity and sequence losses of keras/src/losses/losses.py:
// Dice, Tversky, Circle and CTC.
//
//   model.compile("adam", losses::Dice({.axis = std::vector<int64_t>{1, 2}}));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "keras/losses/loss.h"

namespace keras::losses {

/// `axis` of Dice and Tversky: the axes summed over; std::nullopt (Keras's None) sums
/// over every axis, giving one value for the whole batch. One axis is written to configs
/// as an int, several as a list.
using OptionalAxes = std::optional<std::vector<int64_t>>;

/// 1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + epsilon).
struct DiceOptions {
  Reduction reduction = "sum_over_batch_size";
  std::string name = "dice";
  OptionalAxes axis{};
};
class Dice : public Loss {
 public:
  explicit Dice(DiceOptions o = {});
};

/// 1 - TP / (TP + alpha * FP + beta * FN + epsilon), with soft counts TP = sum(p * y),
/// FP = sum(p * (1 - y)), FN = sum((1 - p) * y). alpha = beta = 0.5 is Dice.
struct TverskyOptions {
  double alpha = 0.5;
  double beta = 0.5;
  Reduction reduction = "sum_over_batch_size";
  std::string name = "tversky";
  OptionalAxes axis{};
};
class Tversky : public Loss {
 public:
  explicit Tversky(TverskyOptions o = {});
};

/// Circle loss (Sun et al., 2020) over a batch of L2-normalized embeddings y_pred
/// (batch, dim) with integer class labels y_true (batch,): softplus(logsumexp of weighted
/// positive-pair terms + logsumexp of weighted negative-pair terms) per sample. Samples
/// whose loss is 0 are masked out of the mean, as in Keras.
struct CircleOptions {
  double gamma = 80.0;
  double margin = 0.4;
  bool remove_diagonal = true;
  Reduction reduction = "sum_over_batch_size";
  std::string name = "circle";
};
class Circle : public Loss {
 public:
  explicit Circle(CircleOptions o = {});
};

/// Connectionist temporal classification: y_true (batch, max_label_length) integer labels
/// padded with 0 (class 0 is the blank), y_pred (batch, time, classes) logits. The loss
/// is -log p(labels | logits) over every alignment, per sample.
class CTC : public Loss {
 public:
  explicit CTC(LossOptions o = {});
};

Tensor dice(const Tensor& y_true, const Tensor& y_pred, const OptionalAxes& axis = std::nullopt);
Tensor tversky(const Tensor& y_true, const Tensor& y_pred, double alpha = 0.5, double beta = 0.5,
               const OptionalAxes& axis = std::nullopt);
/// `ref_labels` / `ref_embeddings` (undefined: the batch itself) are what each sample is paired with.
Tensor circle(const Tensor& y_true, const Tensor& y_pred, const Tensor& ref_labels = {},
              const Tensor& ref_embeddings = {}, bool remove_diagonal = true, double gamma = 80.0, double margin = 0.4);
Tensor ctc(const Tensor& y_true, const Tensor& y_pred);

}  // namespace keras::losses
