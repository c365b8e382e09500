#include "keras/metrics/metrics.h"

#include <cctype>

#include "keras/autograd/gradient_tape.h"
#include "keras/losses/losses.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::metrics {

using keras::detail::cat;

namespace {
Tensor as_float(const Tensor& t) { return t.dtype() == DType::float32 ? t : ops::cast(t, DType::float32); }
}  // namespace

Tensor sparse_categorical_accuracy(const Tensor& y_true_in, const Tensor& y_pred) {
  Tensor y_true = y_true_in;
  if (y_true.rank() == y_pred.rank() && y_true.dim(-1) == 1) y_true = ops::squeeze(y_true, -1);
  Tensor pred = ops::argmax(y_pred, -1);
  Tensor labels = y_true.dtype() == DType::int64 ? y_true : ops::cast(y_true, DType::int64);
  if (labels.shape() != pred.shape())
    throw ValueError(cat("sparse_categorical_accuracy: labels of shape ", y_true_in.shape().to_string(),
                         " do not match predictions of shape ", y_pred.shape().to_string()));
  return ops::cast(ops::equal(pred, labels), DType::float32);
}

Tensor categorical_accuracy(const Tensor& y_true, const Tensor& y_pred) {
  if (y_true.shape() != y_pred.shape())
    throw ValueError(cat("categorical_accuracy: y_true of shape ", y_true.shape().to_string(),
                         " does not match y_pred of shape ", y_pred.shape().to_string()));
  return ops::cast(ops::equal(ops::argmax(as_float(y_true), -1), ops::argmax(y_pred, -1)), DType::float32);
}

Tensor binary_accuracy(const Tensor& y_true_in, const Tensor& y_pred, double threshold) {
  Tensor y_true = as_float(y_true_in);
  if (y_true.rank() == y_pred.rank() - 1 && y_pred.dim(-1) == 1) y_true = ops::expand_dims(y_true, -1);
  Tensor t = Tensor::full(Shape{}, threshold, DType::float32, y_pred.device());
  Tensor pred = ops::cast(ops::greater(y_pred, t), DType::float32);
  return ops::mean(ops::cast(ops::equal(y_true, pred), DType::float32), {-1});
}

void Mean::update_state(const Tensor&, const Tensor& y_pred) {
  autograd::NoGradGuard no_grad;
  update(ops::mean(as_float(y_pred)).item<double>(), static_cast<double>(y_pred.rank() ? y_pred.dim(0) : 1));
}

void Mean::update(double value, double count) {
  total_ += value * count;
  count_ += count;
}

void MeanMetricWrapper::update_state(const Tensor& y_true, const Tensor& y_pred) {
  autograd::NoGradGuard no_grad;
  Tensor values = fn_(y_true, y_pred);
  // Keras 3 metrics apply y_pred's mask only together with sample weights, so without
  // them masked steps count like the others (unlike the loss).
  const double n = static_cast<double>(values.size());
  if (n > 0) mean_.update(ops::sum(values).item<double>() / n, n);
}

Accuracy::Accuracy(std::string name)
    : MeanMetricWrapper(std::move(name), [](const Tensor& t, const Tensor& p) {
        return ops::cast(ops::equal(as_float(t), as_float(p)), DType::float32);
      }, "Accuracy") {}
BinaryAccuracy::BinaryAccuracy(std::string name, double threshold)
    : MeanMetricWrapper(std::move(name),
                        [threshold](const Tensor& t, const Tensor& p) { return binary_accuracy(t, p, threshold); },
                        "BinaryAccuracy") {}
CategoricalAccuracy::CategoricalAccuracy(std::string name)
    : MeanMetricWrapper(std::move(name), categorical_accuracy, "CategoricalAccuracy") {}
SparseCategoricalAccuracy::SparseCategoricalAccuracy(std::string name)
    : MeanMetricWrapper(std::move(name), sparse_categorical_accuracy, "SparseCategoricalAccuracy") {}
MeanSquaredError::MeanSquaredError(std::string name)
    : MeanMetricWrapper(std::move(name), losses::mean_squared_error, "MeanSquaredError") {}
MeanAbsoluteError::MeanAbsoluteError(std::string name)
    : MeanMetricWrapper(std::move(name), losses::mean_absolute_error, "MeanAbsoluteError") {}

void AutoAccuracy::update_state(const Tensor& y_true, const Tensor& y_pred) {
  if (!impl_) {
    // Keras's get_metric("accuracy", y_true, y_pred) rule.
    const bool binary = y_pred.rank() >= 1 && y_pred.dim(-1) == 1;
    const bool sparse = y_true.rank() < y_pred.rank() || (y_true.rank() >= 1 && y_true.dim(-1) == 1 && y_pred.dim(-1) > 1);
    if (binary) impl_ = std::make_unique<BinaryAccuracy>(name());
    else if (sparse) impl_ = std::make_unique<SparseCategoricalAccuracy>(name());
    else impl_ = std::make_unique<CategoricalAccuracy>(name());
  }
  impl_->update_state(y_true, y_pred);
}

std::shared_ptr<Metric> get(const std::string& name) {
  std::string c;
  for (char ch : name) c += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (c == "accuracy" || c == "acc") return std::make_shared<AutoAccuracy>(name);
  if (c == "binary_accuracy") return std::make_shared<BinaryAccuracy>();
  if (c == "categorical_accuracy") return std::make_shared<CategoricalAccuracy>();
  if (c == "sparse_categorical_accuracy") return std::make_shared<SparseCategoricalAccuracy>();
  if (c == "mse" || c == "mean_squared_error") return std::make_shared<MeanSquaredError>(name);
  if (c == "mae" || c == "mean_absolute_error") return std::make_shared<MeanAbsoluteError>(name);
  throw ValueError(cat("Could not interpret metric identifier: '", name,
                       "'. Known: accuracy (acc), binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, "
                       "mse, mae"));
}

MetricRef::MetricRef(const char* name) : ptr_(get(name)), spec_(name) {}
MetricRef::MetricRef(const std::string& name) : ptr_(get(name)), spec_(name) {}

}  // namespace keras::metrics
