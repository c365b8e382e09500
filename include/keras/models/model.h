// What every model has (keras.Model): the layers, compile / fit / evaluate / predict and
// summary. A model is also a Layer, so it can be used inside another model.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/callbacks/callback.h"
#include "keras/layers/layer.h"
#include "keras/losses/losses.h"
#include "keras/metrics/metrics.h"
#include "keras/optimizers/optimizer.h"

namespace keras::models {

using callbacks::Logs;

struct CompileOptions {
  optimizers::OptimizerRef optimizer = "rmsprop";
  std::optional<losses::Loss> loss{};
  std::vector<metrics::MetricRef> metrics{};
};

/// verbose: -1 is Keras's "auto" (a progress bar), 0 silent, 1 progress bar, 2 one line per epoch.
struct FitOptions {
  int64_t batch_size = 32;
  int epochs = 1;
  int verbose = -1;
  std::vector<std::shared_ptr<callbacks::Callback>> callbacks{};
  double validation_split = 0.0;
  std::optional<std::pair<Tensor, Tensor>> validation_data{};
  bool shuffle = true;
  int initial_epoch = 0;
  std::optional<int64_t> steps_per_epoch{};
  std::optional<int64_t> validation_batch_size{};
  int validation_freq = 1;
};

struct EvaluateOptions {
  int64_t batch_size = 32;
  int verbose = -1;
  std::vector<std::shared_ptr<callbacks::Callback>> callbacks{};
};

struct PredictOptions {
  int64_t batch_size = 32;
  int verbose = -1;
  std::vector<std::shared_ptr<callbacks::Callback>> callbacks{};
};

class Model : public layers::Layer {
 public:
  // ---- training configuration
  void compile(optimizers::OptimizerRef optimizer, losses::Loss loss, std::vector<metrics::MetricRef> metrics = {});
  void compile(CompileOptions options);
  bool compiled() const { return compiled_; }
  const std::shared_ptr<optimizers::Optimizer>& optimizer() const { return optimizer_; }

  /// Trains for `epochs` passes over (x, y); returns the per-epoch logs.
  callbacks::History fit(const Tensor& x, const Tensor& y, FitOptions options = {});
  /// Loss and metrics on (x, y): {"loss": ..., "accuracy": ...}.
  Logs evaluate(const Tensor& x, const Tensor& y, EvaluateOptions options = {});
  /// The model's output for x, computed in batches.
  Tensor predict(const Tensor& x, PredictOptions options = {});
  /// One gradient step on one batch; returns the batch's logs.
  Logs train_on_batch(const Tensor& x, const Tensor& y);
  Logs test_on_batch(const Tensor& x, const Tensor& y);
  Tensor predict_on_batch(const Tensor& x);

  /// Set by a callback to end fit() after the current epoch.
  bool stop_training = false;

  // ---- structure
  /// The model's layers, without the InputLayer (as Keras's model.layers).
  virtual std::vector<std::shared_ptr<layers::Layer>> layers() const = 0;
  std::shared_ptr<layers::Layer> get_layer(const std::string& name) const;
  /// Input shape with the batch dim, once known.
  virtual std::optional<Shape> input_shape() const = 0;
  /// Each layer's output shape (for summary), once built.
  virtual std::vector<Shape> layer_output_shapes() const = 0;

  /// Prints Keras's summary table.
  void summary(std::ostream& out) const;
  void summary() const;
  std::string summary_string() const;

 protected:
  Model(std::string class_name, const layers::LayerArgs& args);

  /// Makes sure the model is built for inputs like `x` (batch dim included) and returns
  /// x adjusted to the model's input (rank fix-ups and dtype, as Keras does).
  virtual Tensor standardize_input(const Tensor& x) = 0;

 private:
  struct StepResult;
  Tensor forward(const Tensor& x, bool training);
  Tensor compute_loss(const Tensor& y, const Tensor& y_pred);
  void train_step(const Tensor& x, const Tensor& y);
  void test_step(const Tensor& x, const Tensor& y);
  Logs metric_logs() const;
  void reset_metrics();
  void require_compiled(const char* what) const;
  Logs run_evaluation(const Tensor& x, const Tensor& y, int64_t batch_size, int verbose,
                      const std::vector<std::shared_ptr<callbacks::Callback>>& cbs, bool inside_fit);

  bool compiled_ = false;
  std::shared_ptr<optimizers::Optimizer> optimizer_;
  std::optional<losses::Loss> loss_;
  std::vector<std::shared_ptr<metrics::Metric>> metrics_;
  metrics::Mean loss_tracker_{"loss"};
};

}  // namespace keras::models
