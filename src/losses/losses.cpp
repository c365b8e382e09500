// Loss functions, following keras/src/losses/losses.py and the numpy backend's
// nn.py (clipping probabilities to [epsilon, 1 - epsilon] when not from logits).
#include "utils/names.h"
#include "keras/losses/losses.h"


#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"

namespace keras::losses {

using keras::detail::cat;

namespace {

Tensor scalar(double v, const Tensor& like) { return Tensor::full(Shape{}, v, DType::float32, like.device()); }

/// Keras's squeeze_or_expand_to_same_rank for targets: (N,) vs (N, 1) and back.
Tensor match_rank(const Tensor& y_true, const Tensor& y_pred) {
  if (y_true.rank() == y_pred.rank() - 1 && y_pred.dim(-1) == 1) return ops::expand_dims(y_true, -1);
  if (y_true.rank() == y_pred.rank() + 1 && y_true.dim(-1) == 1) return ops::squeeze(y_true, -1);
  return y_true;
}

Tensor as_float(const Tensor& t) { return t.dtype() == DType::float32 ? t : ops::cast(t, DType::float32); }

void check_same_shape(const Tensor& y_true, const Tensor& y_pred, const char* loss) {
  if (y_true.shape() != y_pred.shape())
    throw ValueError(cat(loss, ": y_true and y_pred must have the same shape. Received: y_true.shape=",
                         y_true.shape().to_string(), ", y_pred.shape=", y_pred.shape().to_string()));
}


}  // namespace

Tensor sparse_categorical_crossentropy(const Tensor& y_true_in, const Tensor& y_pred, bool from_logits,
                                       std::optional<int64_t> ignore_class) {
  if (y_pred.rank() < 1) throw ValueError("sparse_categorical_crossentropy: y_pred must have a class axis");
  Tensor y_true = y_true_in;
  if (y_true.rank() == y_pred.rank() && y_true.dim(-1) == 1) y_true = ops::squeeze(y_true, -1);
  if (y_true.rank() != y_pred.rank() - 1 || Shape(y_true.shape()) != y_pred.shape().slice(0, -1))
    throw ValueError(cat("sparse_categorical_crossentropy: labels of shape ", y_true_in.shape().to_string(),
                         " do not match predictions of shape ", y_pred.shape().to_string(),
                         " (expected labels of shape ", y_pred.shape().slice(0, -1).to_string(), ")"));
  const int64_t classes = y_pred.dim(-1);
  // Labels are class indices; check the range (a wrong label must not silently cost 0).
  Tensor labels = y_true.dtype() == DType::int64 ? y_true : ops::cast(y_true, DType::int64);
  Tensor valid = Tensor::ones(labels.shape(), DType::float32, labels.device());
  {
    const auto host = labels.to_vector<int64_t>();
    std::vector<float> mask(host.size(), 1.f);
    for (size_t i = 0; i < host.size(); ++i) {
      if (ignore_class && host[i] == *ignore_class) {
        mask[i] = 0.f;
        continue;
      }
      if (host[i] < 0 || host[i] >= classes)
        throw ValueError(cat("Received a label value of ", host[i], " which is outside the valid range of [0, ",
                             classes, ")."));
    }
    if (ignore_class) valid = Tensor::from_vector(mask, labels.shape(), labels.device());
  }
  Tensor log_prob;
  if (from_logits) {
    log_prob = ops::log_softmax(y_pred, -1);
  } else {
    Tensor p = ops::divide(y_pred, ops::sum(y_pred, {-1}, true));
    log_prob = ops::log(ops::clip(p, kEpsilon, 1.0 - kEpsilon));
  }
  Tensor onehot = ops::one_hot(labels, classes);
  Tensor loss = ops::negative(ops::sum(ops::multiply(onehot, log_prob), {-1}));
  return ignore_class ? ops::multiply(loss, valid) : loss;
}

Tensor categorical_crossentropy(const Tensor& y_true_in, const Tensor& y_pred, bool from_logits,
                                double label_smoothing, int64_t axis) {
  Tensor y_true = as_float(y_true_in);
  check_same_shape(y_true, y_pred, "categorical_crossentropy");
  if (label_smoothing > 0) {
    const double n = static_cast<double>(y_pred.dim(axis));
    y_true = ops::add(ops::multiply(y_true, scalar(1.0 - label_smoothing, y_true)), scalar(label_smoothing / n, y_true));
  }
  Tensor log_prob;
  if (from_logits) {
    log_prob = ops::log_softmax(y_pred, axis);
  } else {
    Tensor p = ops::divide(y_pred, ops::sum(y_pred, {axis}, true));
    log_prob = ops::log(ops::clip(p, kEpsilon, 1.0 - kEpsilon));
  }
  return ops::negative(ops::sum(ops::multiply(y_true, log_prob), {axis}));
}

Tensor binary_crossentropy(const Tensor& y_true_in, const Tensor& y_pred, bool from_logits, double label_smoothing,
                           int64_t axis) {
  Tensor y_true = match_rank(as_float(y_true_in), y_pred);
  check_same_shape(y_true, y_pred, "binary_crossentropy");
  if (label_smoothing > 0)
    y_true = ops::add(ops::multiply(y_true, scalar(1.0 - label_smoothing, y_true)), scalar(0.5 * label_smoothing, y_true));
  Tensor bce;
  if (from_logits) {
    // Stable form: max(x, 0) - x * z + log(1 + exp(-|x|)) = softplus(x) - x * z.
    bce = ops::subtract(ops::softplus(y_pred), ops::multiply(y_pred, y_true));
  } else {
    Tensor p = ops::clip(y_pred, kEpsilon, 1.0 - kEpsilon);
    Tensor one = scalar(1.0, p);
    bce = ops::negative(ops::add(ops::multiply(y_true, ops::log(p)),
                                 ops::multiply(ops::subtract(one, y_true), ops::log(ops::subtract(one, p)))));
  }
  return ops::mean(bce, {axis});
}

Tensor mean_squared_error(const Tensor& y_true_in, const Tensor& y_pred) {
  Tensor y_true = match_rank(as_float(y_true_in), y_pred);
  check_same_shape(y_true, y_pred, "mean_squared_error");
  return ops::mean(ops::square(ops::subtract(y_pred, y_true)), {-1});
}

Tensor mean_absolute_error(const Tensor& y_true_in, const Tensor& y_pred) {
  Tensor y_true = match_rank(as_float(y_true_in), y_pred);
  check_same_shape(y_true, y_pred, "mean_absolute_error");
  return ops::mean(ops::abs(ops::subtract(y_pred, y_true)), {-1});
}

Tensor huber(const Tensor& y_true_in, const Tensor& y_pred, double delta) {
  Tensor y_true = match_rank(as_float(y_true_in), y_pred);
  check_same_shape(y_true, y_pred, "huber");
  Tensor err = ops::abs(ops::subtract(y_pred, y_true));
  Tensor quad = ops::minimum(err, scalar(delta, err));
  Tensor lin = ops::subtract(err, quad);
  Tensor l = ops::add(ops::multiply(scalar(0.5, quad), ops::square(quad)), ops::multiply(scalar(delta, lin), lin));
  return ops::mean(l, {-1});
}

// ---- Loss

Loss::Loss(const char* name) : Loss(std::string(name)) {}

Loss::Loss(const std::string& name) {
  const std::string c = utils::canonical_name(name);
  if (c == "sparsecategoricalcrossentropy") *this = SparseCategoricalCrossentropy();
  else if (c == "categoricalcrossentropy") *this = CategoricalCrossentropy();
  else if (c == "binarycrossentropy") *this = BinaryCrossentropy();
  else if (c == "meansquarederror" || c == "mse") *this = MeanSquaredError();
  else if (c == "meanabsoluteerror" || c == "mae") *this = MeanAbsoluteError();
  else if (c == "huber" || c == "huberloss") *this = Huber();
  else
    throw ValueError(cat("Could not interpret loss identifier: '", name,
                         "'. Known: sparse_categorical_crossentropy, categorical_crossentropy, binary_crossentropy, "
                         "mean_squared_error (mse), mean_absolute_error (mae), huber"));
  spec_ = name;
}

Loss::Loss(std::string name, Fn fn, std::string reduction)
    : name_(std::move(name)), reduction_(std::move(reduction)), fn_(std::move(fn)) {
  if (reduction_ != "sum_over_batch_size" && reduction_ != "sum" && reduction_ != "none" && reduction_ != "mean")
    throw ValueError(cat("Invalid value for argument `reduction`: '", reduction_,
                         "'. Expected one of 'sum_over_batch_size', 'sum', 'mean', 'none'"));
}

void Loss::set_config(std::string class_name, ConfigMap config) {
  class_name_ = std::move(class_name);
  config_ = {{"name", name_}, {"reduction", reduction_}};
  for (auto& kv : config) config_.push_back(std::move(kv));
}

namespace {
const ConfigValue* find(const ConfigMap& c, const char* k) { return config_find(c, k); }
bool flag(const ConfigMap& c, const char* k, bool fallback) {
  const auto* v = find(c, k);
  if (!v) return fallback;
  if (const auto* b = std::get_if<bool>(v)) return *b;
  throw ValueError(cat("Loss config: `", k, "` must be true or false"));
}
double number(const ConfigMap& c, const char* k, double fallback) {
  const auto* v = find(c, k);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return fallback;
  if (const auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(v)) return *d;
  throw ValueError(cat("Loss config: `", k, "` must be a number"));
}
std::string text(const ConfigMap& c, const char* k, const std::string& fallback) {
  const auto* v = find(c, k);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return fallback;
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  throw ValueError(cat("Loss config: `", k, "` must be a string"));
}
}  // namespace

Loss Loss::from_config(const std::string& class_name, const ConfigMap& c) {
  const std::string n = utils::canonical_name(class_name);
  const std::string reduction = text(c, "reduction", "sum_over_batch_size");
  if (n == "sparsecategoricalcrossentropy") {
    std::optional<int64_t> ignore;
    if (const auto* v = find(c, "ignore_class"); v && !std::holds_alternative<std::nullptr_t>(*v))
      ignore = static_cast<int64_t>(number(c, "ignore_class", 0));
    return SparseCategoricalCrossentropy({.from_logits = flag(c, "from_logits", false), .ignore_class = ignore,
                                          .reduction = reduction, .name = text(c, "name", "sparse_categorical_crossentropy")});
  }
  if (n == "categoricalcrossentropy")
    return CategoricalCrossentropy({.from_logits = flag(c, "from_logits", false),
                                    .label_smoothing = number(c, "label_smoothing", 0.0),
                                    .axis = static_cast<int64_t>(number(c, "axis", -1)), .reduction = reduction,
                                    .name = text(c, "name", "categorical_crossentropy")});
  if (n == "binarycrossentropy")
    return BinaryCrossentropy({.from_logits = flag(c, "from_logits", false),
                               .label_smoothing = number(c, "label_smoothing", 0.0),
                               .axis = static_cast<int64_t>(number(c, "axis", -1)), .reduction = reduction,
                               .name = text(c, "name", "binary_crossentropy")});
  if (n == "meansquarederror") return MeanSquaredError({.reduction = reduction, .name = text(c, "name", "")});
  if (n == "meanabsoluteerror") return MeanAbsoluteError({.reduction = reduction, .name = text(c, "name", "")});
  if (n == "huber")
    return Huber({.delta = number(c, "delta", 1.0), .reduction = reduction, .name = text(c, "name", "huber_loss")});
  return Loss(class_name);  // throws with the list of known losses
}

Tensor mask_weights(const Tensor& mask, const Tensor& values) {
  Tensor m = ops::cast(mask, values.dtype());
  if (m.rank() == values.rank() + 1 && m.dim(-1) == 1) m = ops::squeeze(m, -1);
  else if (values.rank() == m.rank() + 1 && values.dim(-1) == 1) m = ops::expand_dims(m, -1);
  if (m.shape() != values.shape())
    throw ValueError(cat("The mask of shape ", mask.shape().to_string(), " does not fit per-sample values of shape ",
                         values.shape().to_string()));
  return m;
}

Tensor Loss::operator()(const Tensor& y_true, const Tensor& y_pred) const {
  Tensor per_sample = fn_(y_true, y_pred);
  if (reduction_ == "none") return per_sample;
  if (const Tensor mask = y_pred.keras_mask(); mask.defined()) {
    // Keras's apply_mask: masked entries weigh nothing, the mean is over the valid ones.
    const Tensor m = mask_weights(mask, per_sample);
    const Tensor total = ops::sum(ops::multiply(per_sample, m));
    if (reduction_ == "sum") return total;
    return ops::divide(total, ops::add(ops::sum(m), Tensor::scalar(1e-7, m.dtype(), m.device())));
  }
  if (reduction_ == "sum") return ops::sum(per_sample);
  return ops::mean(per_sample);
}

SparseCategoricalCrossentropy::SparseCategoricalCrossentropy(SparseCategoricalCrossentropyOptions o)
    : Loss(o.name,
           [o](const Tensor& t, const Tensor& p) {
             return sparse_categorical_crossentropy(t, p, o.from_logits, o.ignore_class);
           },
           o.reduction) {
  set_config("SparseCategoricalCrossentropy",
             {{"from_logits", o.from_logits},
              {"ignore_class", o.ignore_class ? ConfigValue(*o.ignore_class) : ConfigValue(nullptr)}});
}

CategoricalCrossentropy::CategoricalCrossentropy(CategoricalCrossentropyOptions o)
    : Loss(o.name,
           [o](const Tensor& t, const Tensor& p) {
             return categorical_crossentropy(t, p, o.from_logits, o.label_smoothing, o.axis);
           },
           o.reduction) {
  set_config("CategoricalCrossentropy",
             {{"from_logits", o.from_logits}, {"label_smoothing", o.label_smoothing}, {"axis", o.axis}});
}

BinaryCrossentropy::BinaryCrossentropy(BinaryCrossentropyOptions o)
    : Loss(o.name,
           [o](const Tensor& t, const Tensor& p) {
             return binary_crossentropy(t, p, o.from_logits, o.label_smoothing, o.axis);
           },
           o.reduction) {
  set_config("BinaryCrossentropy",
             {{"from_logits", o.from_logits}, {"label_smoothing", o.label_smoothing}, {"axis", o.axis}});
}

MeanSquaredError::MeanSquaredError(RegressionLossOptions o)
    : Loss(o.name.empty() ? "mean_squared_error" : o.name, mean_squared_error, o.reduction) {
  set_config("MeanSquaredError", {});
}

MeanAbsoluteError::MeanAbsoluteError(RegressionLossOptions o)
    : Loss(o.name.empty() ? "mean_absolute_error" : o.name, mean_absolute_error, o.reduction) {
  set_config("MeanAbsoluteError", {});
}

Huber::Huber(HuberOptions o)
    : Loss(o.name, [o](const Tensor& t, const Tensor& p) { return huber(t, p, o.delta); }, o.reduction) {
  set_config("Huber", {{"delta", o.delta}});
}

}  // namespace keras::losses
