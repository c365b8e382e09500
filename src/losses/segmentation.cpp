// Dice, Tversky, Circle and CTC, following keras/src/losses/losses.py (dice, tversky,
// circle with keras/src/utils/numerical_utils.py's build_pos_neg_masks) and the numpy
// backend's ctc_loss (the forward algorithm of optax.ctc_loss, in log space).
#include "keras/losses/segmentation.h"

#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"
#include "losses/loss_utils.h"

namespace keras::losses {

using namespace detail;  // NOLINT: this file's own helpers

namespace {

std::vector<int64_t> reduce_axes(const OptionalAxes& axis, int64_t rank, const char* loss) {
  std::vector<int64_t> out;
  if (!axis) {
    for (int64_t i = 0; i < rank; ++i) out.push_back(i);
    return out;
  }
  for (int64_t a : *axis) out.push_back(canonical_axis(a, rank, loss));
  return out;
}

/// log(exp(a) + exp(b)), exact gradients, finite for large magnitudes.
Tensor logaddexp(const Tensor& a, const Tensor& b) {
  const Tensor m = ops::stop_gradient(ops::maximum(a, b));
  return ops::add(m, ops::log(ops::add(ops::exp(ops::subtract(a, m)), ops::exp(ops::subtract(b, m)))));
}

/// logsumexp over axis 1 of the entries where `mask` is 1; a row with none gives a huge
/// negative number (Keras: -inf), which softplus turns into 0 as Keras's -inf does.
Tensor masked_logsumexp(const Tensor& x, const Tensor& mask) {
  constexpr double kBig = 1e30;
  const Tensor xm =
      ops::add(ops::multiply(x, mask), ops::multiply(ops::subtract(mask, scalar(1.0, mask)), scalar(kBig, x)));
  const Tensor m = ops::stop_gradient(ops::max(xm, {1}, true));
  const Tensor s = ops::log(ops::sum(ops::exp(ops::subtract(xm, m)), {1}));
  return ops::add(s, ops::squeeze(m, 1));
}

/// Labels as one row of integers (shape (n,) or (n, 1)).
std::vector<int64_t> label_row(const Tensor& labels, const char* loss) {
  if (labels.rank() > 2 || (labels.rank() == 2 && labels.dim(1) != 1))
    throw ValueError(
        cat(loss, ": labels must have shape (batch,) or (batch, 1). Received: ", labels.shape().to_string()));
  return host_labels(labels, loss);
}

}  // namespace

Tensor dice(const Tensor& y_true_in, const Tensor& y_pred_in, const OptionalAxes& axis) {
  auto [y_true, y_pred] = float_pair(y_true_in, y_pred_in);
  check_same_shape(y_true, y_pred, "dice");
  const auto axes = reduce_axes(axis, y_pred.rank(), "dice");
  const Tensor intersection = ops::sum(ops::multiply(y_true, y_pred), axes);
  const Tensor denom = ops::add(ops::add(ops::sum(y_true, axes), ops::sum(y_pred, axes)), scalar(kEpsilon, y_pred));
  const Tensor d = ops::divide(ops::multiply(scalar(2.0, intersection), intersection), denom);
  return ops::subtract(scalar(1.0, d), d);
}

Tensor tversky(const Tensor& y_true_in, const Tensor& y_pred_in, double alpha, double beta, const OptionalAxes& axis) {
  auto [y_true, y_pred] = float_pair(y_true_in, y_pred_in);
  check_same_shape(y_true, y_pred, "tversky");
  const auto axes = reduce_axes(axis, y_pred.rank(), "tversky");
  const Tensor one = scalar(1.0, y_pred);
  const Tensor tp = ops::sum(ops::multiply(y_pred, y_true), axes);
  const Tensor fp = ops::sum(ops::multiply(ops::subtract(one, y_true), y_pred), axes);
  const Tensor fn = ops::sum(ops::multiply(y_true, ops::subtract(one, y_pred)), axes);
  const Tensor denom =
      ops::add(ops::add(ops::add(tp, ops::multiply(fp, scalar(alpha, fp))), ops::multiply(fn, scalar(beta, fn))),
               scalar(kEpsilon, tp));
  const Tensor t = ops::divide(tp, denom);
  return ops::subtract(scalar(1.0, t), t);
}

Tensor circle(const Tensor& y_true, const Tensor& y_pred, const Tensor& ref_labels_in, const Tensor& ref_embeddings_in,
              bool remove_diagonal, double gamma, double margin) {
  const char* loss = "circle";
  if (y_pred.rank() != 2)
    throw ValueError(
        cat(loss, ": y_pred must be embeddings of shape (batch, dim). Received: ", y_pred.shape().to_string()));
  const auto labels = label_row(y_true, loss);
  const Tensor ref = ref_embeddings_in.defined() ? as_float(ref_embeddings_in) : as_float(y_pred);
  const auto ref_labels = ref_labels_in.defined() ? label_row(ref_labels_in, loss) : labels;
  const int64_t n = y_pred.dim(0), m = ref.rank() == 2 ? ref.dim(0) : -1;
  if (static_cast<int64_t>(labels.size()) != n || m < 0 || static_cast<int64_t>(ref_labels.size()) != m ||
      ref.dim(1) != y_pred.dim(1))
    throw ValueError(cat(loss, ": labels ", y_true.shape().to_string(), " and embeddings ", y_pred.shape().to_string(),
                         " (reference labels of ", ref_labels.size(), " and embeddings ", ref.shape().to_string(),
                         ") do not match"));
  // build_pos_neg_masks: positives share the label (not the pair of a sample with itself
  // when remove_diagonal), negatives do not.
  std::vector<float> pos(static_cast<size_t>(n * m)), neg(pos.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j) {
      const bool same = labels[static_cast<size_t>(i)] == ref_labels[static_cast<size_t>(j)];
      pos[static_cast<size_t>(i * m + j)] = same && !(remove_diagonal && i == j) ? 1.f : 0.f;
      neg[static_cast<size_t>(i * m + j)] = same ? 0.f : 1.f;
    }
  const Tensor pos_mask = Tensor::from_vector(pos, {n, m}, y_pred.device());
  const Tensor neg_mask = Tensor::from_vector(neg, {n, m}, y_pred.device());
  const Tensor p = as_float(y_pred);
  const Tensor zero = scalar(0.0, p);
  const Tensor dist = ops::maximum(ops::subtract(scalar(1.0, p), ops::matmul(p, ops::transpose(ref))), zero);
  const Tensor pos_weights = ops::maximum(ops::multiply(ops::add(scalar(margin, dist), dist), pos_mask), zero);
  const Tensor neg_weights =
      ops::maximum(ops::multiply(ops::subtract(scalar(1.0 + margin, dist), dist), neg_mask), zero);
  const Tensor pos_dists = ops::subtract(scalar(margin, dist), dist);
  const Tensor neg_dists = ops::subtract(scalar(1.0 - margin, dist), dist);
  const Tensor pos_w = ops::multiply(scalar(-gamma, dist), ops::multiply(pos_weights, pos_dists));
  const Tensor neg_w = ops::multiply(scalar(gamma, dist), ops::multiply(neg_weights, neg_dists));
  Tensor out = ops::softplus(ops::add(masked_logsumexp(pos_w, pos_mask), masked_logsumexp(neg_w, neg_mask)));
  out.set_keras_mask(ops::greater(out, zero));
  return out;
}

Tensor ctc(const Tensor& y_true, const Tensor& y_pred_in) {
  const char* loss = "ctc";
  if (y_true.rank() != 2)
    throw ValueError(cat(loss,
                         ": targets `y_true` are expected to be a tensor of shape (batch_size, max_length) in "
                         "integer format. Received: y_true.shape=",
                         y_true.shape().to_string()));
  if (y_pred_in.rank() != 3)
    throw ValueError(cat(loss,
                         ": logits `y_pred` are expected to be a tensor of shape (batch_size, max_length, "
                         "num_classes). Received: y_pred.shape=",
                         y_pred_in.shape().to_string()));
  const int64_t batch = y_pred_in.dim(0), steps = y_pred_in.dim(1), classes = y_pred_in.dim(2), n = y_true.dim(1);
  if (y_true.dim(0) != batch || steps == 0 || classes == 0 || n == 0)
    throw ValueError(cat(loss, ": y_true of shape ", y_true.shape().to_string(), " does not fit y_pred of shape ",
                         y_pred_in.shape().to_string()));
  const auto labels = host_labels(y_true, loss);
  std::vector<float> repeat(labels.size(), 0.f);
  std::vector<int64_t> label_length(static_cast<size_t>(batch), 0);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < n; ++i) {
      const int64_t l = labels[static_cast<size_t>(b * n + i)];
      if (l < 0 || l >= classes)
        throw ValueError(
            cat(loss, ": received a label value of ", l, " which is outside the valid range of [0, ", classes, ")."));
      if (l != 0) ++label_length[static_cast<size_t>(b)];  // 0 is the blank (mask_index)
      if (i + 1 < n && l == labels[static_cast<size_t>(b * n + i + 1)]) repeat[static_cast<size_t>(b * n + i)] = 1.f;
    }
  const Device dev = y_pred_in.device();
  const Tensor y_pred = as_float(y_pred_in);
  const Tensor logprobs = ops::log_softmax(y_pred, -1);                                           // (B, T, K)
  const Tensor onehot = ops::one_hot(Tensor::from_vector(labels, y_true.shape(), dev), classes);  // (B, N, K)
  const Tensor emit = ops::matmul(logprobs, ops::transpose(onehot, {0, 2, 1}));                   // (B, T, N)
  const Tensor rep = Tensor::from_vector(repeat, {batch, n}, dev);
  const Tensor log_eps = scalar(-1e5, y_pred), one = scalar(1.0, y_pred);
  const Tensor rep_eps = ops::multiply(log_eps, rep), norep_eps = ops::multiply(log_eps, ops::subtract(one, rep));
  // phi[:, 0] = 0, the rest log(0) ~ -1e5; emit all -1e5.
  std::vector<float> phi0(static_cast<size_t>(batch * (n + 1)), -1e5f);
  for (int64_t b = 0; b < batch; ++b) phi0[static_cast<size_t>(b * (n + 1))] = 0.f;
  Tensor phi = Tensor::from_vector(phi0, {batch, n + 1}, dev);
  Tensor em = Tensor::full({batch, n}, -1e5, DType::float32, dev);
  // Adds `added` to phi[:, 1:] in log space.
  auto update_phi = [batch, n](const Tensor& ph, const Tensor& added) {
    const Tensor head = ops::slice(ph, {0, 0}, {batch, 1});
    const Tensor tail = ops::slice(ph, {0, 1}, {batch, n});
    return ops::concatenate({head, logaddexp(tail, added)}, 1);
  };
  for (int64_t t = 0; t < steps; ++t) {
    const Tensor e_t = ops::reshape(ops::slice(emit, {0, t, 0}, {batch, 1, n}), {batch, n});
    const Tensor blank_t = ops::reshape(ops::slice(logprobs, {0, t, 0}, {batch, 1, 1}), {batch, 1});
    const Tensor prev_phi = update_phi(phi, ops::add(em, rep_eps));  // emit -> phi, unless the next label repeats
    const Tensor next_emit = logaddexp(ops::add(ops::slice(prev_phi, {0, 0}, {batch, n}), e_t), ops::add(em, e_t));
    Tensor next_phi = ops::add(prev_phi, blank_t);                                // blank self-loop
    next_phi = update_phi(next_phi, ops::add(ops::add(em, blank_t), norep_eps));  // emit -> blank before a repeat
    phi = next_phi;
    em = next_emit;
  }
  const Tensor last = update_phi(phi, em);
  const Tensor pick = ops::one_hot(Tensor::from_vector(label_length, {batch}, dev), n + 1);
  return ops::negative(ops::sum(ops::multiply(last, pick), {1}));
}

// ---- classes

Dice::Dice(DiceOptions o)
    : Loss(
          o.name, [o](const Tensor& t, const Tensor& p) { return dice(t, p, o.axis); }, o.reduction) {
  set_config("Dice", {{"axis", axes_value(o.axis)}});
}

Tversky::Tversky(TverskyOptions o)
    : Loss(
          o.name, [o](const Tensor& t, const Tensor& p) { return tversky(t, p, o.alpha, o.beta, o.axis); },
          o.reduction) {
  set_config("Tversky", {{"alpha", o.alpha}, {"beta", o.beta}, {"axis", axes_value(o.axis)}});
}

Circle::Circle(CircleOptions o)
    : Loss(
          o.name,
          [o](const Tensor& t, const Tensor& p) {
            return circle(t, p, Tensor(), Tensor(), o.remove_diagonal, o.gamma, o.margin);
          },
          o.reduction) {
  set_config("Circle", {{"gamma", o.gamma}, {"margin", o.margin}, {"remove_diagonal", o.remove_diagonal}});
}

CTC::CTC(LossOptions o) : Loss(o.name.empty() ? "ctc" : o.name, ctc, o.reduction) { set_config("CTC", {}); }

}  // namespace keras::losses
