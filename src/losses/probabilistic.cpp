// Probabilistic losses, following keras/src/losses/losses.py and the backends' nn.py
// (probabilities normalized and clipped to [epsilon, 1 - epsilon] when not from logits;
// binary crossentropy from logits in the stable form JAX and TensorFlow use).
#include "keras/losses/probabilistic.h"

#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"
#include "losses/loss_utils.h"

namespace keras::losses {

using namespace detail;  // NOLINT: this file's own helpers

namespace {

Tensor smooth_categorical(const Tensor& y_true, double label_smoothing, int64_t num_classes) {
  if (label_smoothing == 0) return y_true;
  return ops::add(ops::multiply(y_true, scalar(1.0 - label_smoothing, y_true)),
                  scalar(label_smoothing / static_cast<double>(num_classes), y_true));
}

Tensor smooth_binary(const Tensor& y_true, double label_smoothing) {
  if (label_smoothing == 0) return y_true;
  return ops::add(ops::multiply(y_true, scalar(1.0 - label_smoothing, y_true)), scalar(0.5 * label_smoothing, y_true));
}

/// log of the probabilities along `axis`: log_softmax of logits, else of y_pred
/// normalized to sum 1 and clipped.
Tensor log_probabilities(const Tensor& y_pred, bool from_logits, int64_t axis) {
  if (from_logits) return ops::log_softmax(y_pred, axis);
  const Tensor p = ops::divide(y_pred, ops::sum(y_pred, {axis}, true));
  return ops::log(ops::clip(p, kEpsilon, 1.0 - kEpsilon));
}

/// -(y log p + (1 - y) log(1 - p)) with p clipped (ops.binary_crossentropy, not from logits).
Tensor binary_crossentropy_probs(const Tensor& y, const Tensor& y_pred) {
  const Tensor p = ops::clip(y_pred, kEpsilon, 1.0 - kEpsilon);
  const Tensor one = scalar(1.0, p);
  return ops::negative(
      ops::add(ops::multiply(y, ops::log(p)), ops::multiply(ops::subtract(one, y), ops::log(ops::subtract(one, p)))));
}

/// Integer labels for `classes` classes, checked to be in range (a wrong label must not
/// silently cost nothing). Entries equal to `ignore` are replaced by 0 and marked in `valid`.
Tensor checked_labels(const Tensor& labels, int64_t classes, std::optional<int64_t> ignore, std::vector<float>* valid,
                      const char* loss) {
  auto host = host_labels(labels, loss);
  if (valid) valid->assign(host.size(), 1.f);
  for (size_t i = 0; i < host.size(); ++i) {
    if (ignore && host[i] == *ignore) {
      host[i] = 0;
      if (valid) (*valid)[i] = 0.f;
      continue;
    }
    if (host[i] < 0 || host[i] >= classes)
      throw ValueError(cat(loss, ": received a label value of ", host[i], " which is outside the valid range of [0, ",
                           classes, ")."));
  }
  return Tensor::from_vector(host, labels.shape(), labels.device());
}

}  // namespace

Tensor categorical_crossentropy(const Tensor& y_true_in, const Tensor& y_pred, bool from_logits, double label_smoothing,
                                int64_t axis) {
  const char* loss = "categorical_crossentropy";
  Tensor y_true = as_float(y_true_in);
  check_same_shape(y_true, y_pred, loss);
  const int64_t ax = canonical_axis(axis, y_pred.rank(), loss);
  y_true = smooth_categorical(y_true, label_smoothing, y_pred.dim(ax));
  return ops::negative(ops::sum(ops::multiply(y_true, log_probabilities(y_pred, from_logits, ax)), {ax}));
}

Tensor sparse_categorical_crossentropy(const Tensor& y_true_in, const Tensor& y_pred_in, bool from_logits,
                                       std::optional<int64_t> ignore_class, int64_t axis) {
  const char* loss = "sparse_categorical_crossentropy";
  if (y_pred_in.rank() < 1) throw ValueError(cat(loss, ": y_pred must have a class axis"));
  const int64_t ax = canonical_axis(axis, y_pred_in.rank(), loss);
  Tensor y_true = y_true_in;
  if (y_true.rank() == y_pred_in.rank() && y_true.dim(ax) == 1) y_true = ops::squeeze(y_true, ax);
  // The class axis goes last (the labels' shape is y_pred's without it).
  Tensor y_pred = y_pred_in;
  if (ax != y_pred.rank() - 1) {
    std::vector<int64_t> perm;
    for (int64_t i = 0; i < y_pred.rank(); ++i)
      if (i != ax) perm.push_back(i);
    perm.push_back(ax);
    y_pred = ops::transpose(y_pred, perm);
  }
  const Shape label_shape = y_pred.shape().slice(0, -1);
  if (Shape(y_true.shape()) != label_shape)
    throw ValueError(cat(loss, ": labels of shape ", y_true_in.shape().to_string(),
                         " do not match predictions of shape ", y_pred_in.shape().to_string(),
                         " (expected labels of shape ", label_shape.to_string(), ")"));
  const int64_t classes = y_pred.dim(-1);
  std::vector<float> valid;
  const Tensor labels = checked_labels(y_true, classes, ignore_class, &valid, loss);
  Tensor valid_mask;
  if (ignore_class) {
    valid_mask = Tensor::from_vector(valid, labels.shape(), labels.device());
    // As Keras's where(valid, y_pred, 0): ignored entries give no gradient (here a uniform
    // row, which keeps the log finite).
    const Tensor v = ops::expand_dims(valid_mask, -1);
    y_pred = ops::add(ops::multiply(y_pred, v), ops::subtract(scalar(1.0, v), v));
  }
  const Tensor onehot = ops::one_hot(labels, classes);
  Tensor out = ops::negative(ops::sum(ops::multiply(onehot, log_probabilities(y_pred, from_logits, -1)), {-1}));
  if (ignore_class) {
    out = ops::multiply(out, valid_mask);
    out.set_keras_mask(ops::not_equal(valid_mask, scalar(0.0, valid_mask)));
  }
  return out;
}

Tensor binary_crossentropy(const Tensor& y_true_in, const Tensor& y_pred_in, bool from_logits, double label_smoothing,
                           int64_t axis) {
  const char* loss = "binary_crossentropy";
  auto [y_true, y_pred] = float_pair(y_true_in, y_pred_in);
  check_same_shape(y_true, y_pred, loss);
  const int64_t ax = canonical_axis(axis, y_pred.rank(), loss);
  y_true = smooth_binary(y_true, label_smoothing);
  // From logits: -y log(sigmoid(x)) - (1 - y) log(sigmoid(-x)) = softplus(x) - x y.
  const Tensor bce = from_logits ? ops::subtract(ops::softplus(y_pred), ops::multiply(y_pred, y_true))
                                 : binary_crossentropy_probs(y_true, y_pred);
  return ops::mean(bce, {ax});
}

Tensor binary_focal_crossentropy(const Tensor& y_true_in, const Tensor& y_pred_in, bool apply_class_balancing,
                                 double alpha, double gamma, bool from_logits, double label_smoothing, int64_t axis) {
  const char* loss = "binary_focal_crossentropy";
  auto [y_true, y_pred] = float_pair(y_true_in, y_pred_in);
  check_same_shape(y_true, y_pred, loss);
  const int64_t ax = canonical_axis(axis, y_pred.rank(), loss);
  y_true = smooth_binary(y_true, label_smoothing);
  if (from_logits) y_pred = ops::sigmoid(y_pred);
  const Tensor one = scalar(1.0, y_pred);
  const Tensor bce = binary_crossentropy_probs(y_true, y_pred);
  const Tensor not_true = ops::subtract(one, y_true);
  const Tensor p_t = ops::add(ops::multiply(y_true, y_pred), ops::multiply(not_true, ops::subtract(one, y_pred)));
  Tensor focal = gamma == 0 ? bce : ops::multiply(ops::power(ops::subtract(one, p_t), scalar(gamma, p_t)), bce);
  if (apply_class_balancing) {
    const Tensor weight =
        ops::add(ops::multiply(y_true, scalar(alpha, y_true)), ops::multiply(not_true, scalar(1.0 - alpha, y_true)));
    focal = ops::multiply(weight, focal);
  }
  return ops::mean(focal, {ax});
}

Tensor categorical_focal_crossentropy(const Tensor& y_true_in, const Tensor& y_pred_in, double alpha, double gamma,
                                      bool from_logits, double label_smoothing, int64_t axis) {
  const char* loss = "categorical_focal_crossentropy";
  Tensor y_true = as_float(y_true_in);
  check_same_shape(y_true, y_pred_in, loss);
  const int64_t ax = canonical_axis(axis, y_pred_in.rank(), loss);
  y_true = smooth_categorical(y_true, label_smoothing, y_pred_in.dim(ax));
  const Tensor y_pred = from_logits ? ops::softmax(y_pred_in, ax) : y_pred_in;
  Tensor out = ops::divide(y_pred, ops::sum(y_pred, {ax}, true));
  out = ops::clip(out, kEpsilon, 1.0 - kEpsilon);
  const Tensor cce = ops::negative(ops::multiply(y_true, ops::log(out)));
  const Tensor modulating =
      gamma == 0 ? ops::ones_like(out) : ops::power(ops::subtract(scalar(1.0, out), out), scalar(gamma, out));
  return ops::sum(ops::multiply(ops::multiply(modulating, scalar(alpha, out)), cce), {ax});
}

Tensor categorical_generalized_cross_entropy(const Tensor& y_true_in, const Tensor& y_pred, double q) {
  const char* loss = "categorical_generalized_cross_entropy";
  if (!(q > 0 && q < 1)) throw ValueError(cat(loss, ": q must be in the interval (0, 1). Received: q=", q));
  if (y_pred.rank() < 1) throw ValueError(cat(loss, ": y_pred must have a class axis"));
  Tensor y_true = y_true_in;
  // Labels of shape (batch, 1) count as (batch,), as Keras's docstring promises.
  if (y_true.rank() == y_pred.rank() && y_true.dim(-1) == 1) y_true = ops::squeeze(y_true, -1);
  if (Shape(y_true.shape()) != y_pred.shape().slice(0, -1))
    throw ValueError(cat(loss, ": labels of shape ", y_true_in.shape().to_string(),
                         " do not match predictions of shape ", y_pred.shape().to_string()));
  const int64_t classes = y_pred.dim(-1);
  const Tensor onehot = ops::one_hot(checked_labels(y_true, classes, std::nullopt, nullptr, loss), classes);
  const Tensor p = ops::sum(ops::multiply(y_pred, onehot), {-1});
  return ops::multiply(ops::subtract(scalar(1.0, p), ops::power(p, scalar(q, p))), scalar(1.0 / q, p));
}

Tensor kl_divergence(const Tensor& y_true_in, const Tensor& y_pred_in) {
  auto [y_true, y_pred] = float_pair(y_true_in, y_pred_in);
  check_same_shape(y_true, y_pred, "kl_divergence");
  const Tensor t = ops::clip(y_true, kEpsilon, 1.0);
  const Tensor p = ops::clip(y_pred, kEpsilon, 1.0);
  return ops::sum(ops::multiply(t, ops::log(ops::divide(t, p))), {-1});
}

Tensor poisson(const Tensor& y_true_in, const Tensor& y_pred_in) {
  auto [y_true, y_pred] = float_pair(y_true_in, y_pred_in);
  check_same_shape(y_true, y_pred, "poisson");
  return ops::mean(ops::subtract(y_pred, ops::multiply(y_true, ops::log(ops::add(y_pred, scalar(kEpsilon, y_pred))))),
                   {-1});
}

// ---- classes

CategoricalCrossentropy::CategoricalCrossentropy(CategoricalCrossentropyOptions o)
    : Loss(
          o.name,
          [o](const Tensor& t, const Tensor& p) {
            return categorical_crossentropy(t, p, o.from_logits, o.label_smoothing, o.axis);
          },
          o.reduction) {
  set_config("CategoricalCrossentropy",
             {{"from_logits", o.from_logits}, {"label_smoothing", o.label_smoothing}, {"axis", o.axis}});
}

SparseCategoricalCrossentropy::SparseCategoricalCrossentropy(SparseCategoricalCrossentropyOptions o)
    : Loss(
          o.name,
          [o](const Tensor& t, const Tensor& p) {
            return sparse_categorical_crossentropy(t, p, o.from_logits, o.ignore_class, o.axis);
          },
          o.reduction) {
  set_config("SparseCategoricalCrossentropy",
             {{"from_logits", o.from_logits},
              {"ignore_class", o.ignore_class ? ConfigValue(*o.ignore_class) : ConfigValue(nullptr)},
              {"axis", o.axis}});
}

BinaryCrossentropy::BinaryCrossentropy(BinaryCrossentropyOptions o)
    : Loss(
          o.name,
          [o](const Tensor& t, const Tensor& p) {
            return binary_crossentropy(t, p, o.from_logits, o.label_smoothing, o.axis);
          },
          o.reduction) {
  set_config("BinaryCrossentropy",
             {{"from_logits", o.from_logits}, {"label_smoothing", o.label_smoothing}, {"axis", o.axis}});
}

BinaryFocalCrossentropy::BinaryFocalCrossentropy(BinaryFocalCrossentropyOptions o)
    : Loss(
          o.name,
          [o](const Tensor& t, const Tensor& p) {
            return binary_focal_crossentropy(t, p, o.apply_class_balancing, o.alpha, o.gamma, o.from_logits,
                                             o.label_smoothing, o.axis);
          },
          o.reduction) {
  set_config("BinaryFocalCrossentropy", {{"from_logits", o.from_logits},
                                         {"label_smoothing", o.label_smoothing},
                                         {"axis", o.axis},
                                         {"apply_class_balancing", o.apply_class_balancing},
                                         {"alpha", o.alpha},
                                         {"gamma", o.gamma}});
}

CategoricalFocalCrossentropy::CategoricalFocalCrossentropy(CategoricalFocalCrossentropyOptions o)
    : Loss(
          o.name,
          [o](const Tensor& t, const Tensor& p) {
            return categorical_focal_crossentropy(t, p, o.alpha, o.gamma, o.from_logits, o.label_smoothing, o.axis);
          },
          o.reduction) {
  set_config("CategoricalFocalCrossentropy", {{"from_logits", o.from_logits},
                                              {"label_smoothing", o.label_smoothing},
                                              {"axis", o.axis},
                                              {"alpha", o.alpha},
                                              {"gamma", o.gamma}});
}

CategoricalGeneralizedCrossEntropy::CategoricalGeneralizedCrossEntropy(CategoricalGeneralizedCrossEntropyOptions o)
    : Loss(
          o.name, [o](const Tensor& t, const Tensor& p) { return categorical_generalized_cross_entropy(t, p, o.q); },
          o.reduction) {
  if (!(o.q > 0 && o.q < 1))
    throw ValueError(cat("CategoricalGeneralizedCrossEntropy: q must be in the interval (0, 1). Received: q=", o.q));
  set_config("CategoricalGeneralizedCrossEntropy", {{"q", o.q}});
}

KLDivergence::KLDivergence(LossOptions o)
    : Loss(o.name.empty() ? "kl_divergence" : o.name, kl_divergence, o.reduction) {
  set_config("KLDivergence", {});
}

Poisson::Poisson(LossOptions o) : Loss(o.name.empty() ? "poisson" : o.name, poisson, o.reduction) {
  set_config("Poisson", {});
}

}  // namespace keras::losses
