// keras.Model: a graph of layers built with the Functional API, trained with compile /
// fit / evaluate / predict. A model is also a layer, so it can be called inside another
// model. Sequential is a Model whose graph is a plain chain (see sequential.h).
//
//   auto image = keras::Input({28, 28, 1}, {.name = "image"});
//   auto extra = keras::Input({4}, {.name = "extra"});
//   auto h = layers::Flatten()(image);
//   auto joined = layers::Concatenate()({h, extra});
//   auto out = layers::Dense(10, "softmax")(joined);
//   keras::Model model({image, extra}, out);
#pragma once

#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/callbacks/callback.h"
#include "keras/distribution/distribution.h"
#include "keras/layers/layer.h"
#include "keras/losses/losses.h"
#include "keras/metrics/metrics.h"
#include "keras/optimizers/optimizer.h"
#include "keras/utils/py_dataset.h"

namespace keras::trainers {
class BatchSource;
}

namespace keras::models {

using callbacks::Logs;

/// compile()'s arguments. For several outputs, give `losses` (one per output, in output
/// order) or `loss` (the same for every output), optional `loss_weights`, and `metrics`
/// (by name, applied to every output) or `output_metrics` (one list per output).
/// `weighted_metrics` (or `output_weighted_metrics`, one list per output) are given each
/// batch's sample weights (class_weight's too), as Keras's are; `metrics` never are. A
/// weighted metric whose name is already logged is logged as "weighted_<name>".
struct CompileOptions {
  optimizers::OptimizerRef optimizer = "rmsprop";
  std::optional<losses::Loss> loss{};
  std::vector<losses::Loss> losses{};
  std::vector<double> loss_weights{};
  std::vector<metrics::MetricRef> metrics{};
  /// By name for every output, or objects for a model with one output.
  std::vector<metrics::MetricRef> weighted_metrics{};
  std::vector<std::vector<metrics::MetricRef>> output_metrics{};
  std::vector<std::vector<metrics::MetricRef>> output_weighted_metrics{};
  /// With the model's dtype policy "mixed_float16", wraps the optimizer in a
  /// LossScaleOptimizer (dynamic loss scaling), as Keras does.
  bool auto_scale_loss = true;
};

/// (x, y) held out for validation, with optional sample weights (one array for every
/// output, or one per output); converts from tensors or lists of tensors.
struct ValidationData {
  TensorList x, y, sample_weight;
  ValidationData(const Tensor& x_, const Tensor& y_) : x{x_}, y{y_} {}
  ValidationData(const Tensor& x_, const Tensor& y_, const Tensor& w) : x{x_}, y{y_}, sample_weight{w} {}
  ValidationData(TensorList x_, TensorList y_, TensorList w = {})
      : x(std::move(x_)), y(std::move(y_)), sample_weight(std::move(w)) {}
  ValidationData(const std::pair<Tensor, Tensor>& p) : x{p.first}, y{p.second} {}  // NOLINT
};

/// verbose: -1 is Keras's "auto" (a progress bar), 0 silent, 1 progress bar, 2 one line per epoch.
struct FitOptions {
  int64_t batch_size = 32;
  int epochs = 1;
  int verbose = -1;
  std::vector<std::shared_ptr<callbacks::Callback>> callbacks{};
  double validation_split = 0.0;
  std::optional<ValidationData> validation_data{};
  bool shuffle = true;
  /// Class index -> weight of its samples' losses (one output only; Keras's class_weight):
  /// labels are read from y as integers, or as the argmax of one-hot rows.
  std::map<int64_t, double> class_weight{};
  /// Weights of each sample's loss: one array for every output or one per output, each
  /// (samples,) or, for sequence outputs, (samples, timesteps). Not with class_weight.
  TensorList sample_weight{};
  int initial_epoch = 0;
  std::optional<int64_t> steps_per_epoch{};
  std::optional<int64_t> validation_batch_size{};
  int validation_freq = 1;
};

struct EvaluateOptions {
  int64_t batch_size = 32;
  int verbose = -1;
  /// Weights of each sample's loss, as FitOptions::sample_weight.
  TensorList sample_weight{};
  std::vector<std::shared_ptr<callbacks::Callback>> callbacks{};
};

struct PredictOptions {
  int64_t batch_size = 32;
  int verbose = -1;
  std::vector<std::shared_ptr<callbacks::Callback>> callbacks{};
};

class Model : public layers::Layer {
 public:
  /// A functional model from keras::Input tensors to the tensors computed from them.
  Model(const layers::KerasTensors& inputs, const layers::KerasTensors& outputs, std::string name = "");
  std::shared_ptr<layers::Layer> move_to_shared() && override;
  /// Moves the model's weights and its optimizer's state to `device` and makes it compute
  /// there: fit/evaluate/predict then move each batch to it (predict's outputs still come
  /// back on the CPU). The Variable objects stay the same; their storage moves.
  ///   model.to(Device::cuda(0));
  void to(Device device) override;

  // ---- training configuration
  void compile(optimizers::OptimizerRef optimizer, losses::Loss loss, std::vector<metrics::MetricRef> metrics = {});
  void compile(CompileOptions options);
  bool compiled() const { return compiled_; }
  const std::shared_ptr<optimizers::Optimizer>& optimizer() const { return optimizer_; }
  /// What compile() was given (saved as the file's compile_config).
  const CompileOptions& compile_options() const { return compile_options_; }

  // ---- saving (keras/saving/saving.h has the free functions)
  /// Saves the model: a ".keras" archive (Keras 3) or a legacy ".h5" file, by extension.
  void save(const std::string& path) const;
  /// Saves / loads the weights only (".weights.h5", matched by layer structure).
  void save_weights(const std::string& path) const;
  void load_weights(const std::string& path);

  /// Trains for `epochs` passes over (x, y); returns the per-epoch logs.
  callbacks::History fit(const Tensor& x, const Tensor& y, FitOptions options = {});
  callbacks::History fit(const TensorList& x, const TensorList& y, FitOptions options = {});
  /// Trains on a PyDataset's batches (its workers prepare them ahead); validation_split
  /// and sample_weight are refused (the batches carry their weights), class_weight applies.
  callbacks::History fit(utils::PyDataset& data, FitOptions options = {});
  /// Trains on a generator's batches: steps_per_epoch per epoch, or until it ends.
  callbacks::History fit(const utils::DataGenerator& data, FitOptions options = {});
  /// Loss and metrics on (x, y): {"loss": ..., "accuracy": ...}.
  Logs evaluate(const Tensor& x, const Tensor& y, EvaluateOptions options = {});
  Logs evaluate(const TensorList& x, const TensorList& y, EvaluateOptions options = {});
  /// Loss and metrics over a PyDataset's batches.
  Logs evaluate(utils::PyDataset& data, EvaluateOptions options = {});
  /// The model's output for x, computed in batches (one output; the list form returns all).
  Tensor predict(const Tensor& x, PredictOptions options = {});
  TensorList predict(const TensorList& x, PredictOptions options = {});
  /// The outputs (one tensor per model output) over a PyDataset's batches, in order; only
  /// each batch's x is used. ValueError when the dataset gives no batch.
  TensorList predict(utils::PyDataset& data, PredictOptions options = {});
  /// One gradient step on one batch; returns the batch's logs.
  Logs train_on_batch(const Tensor& x, const Tensor& y);
  Logs train_on_batch(const TensorList& x, const TensorList& y);
  Logs test_on_batch(const Tensor& x, const Tensor& y);
  Logs test_on_batch(const TensorList& x, const TensorList& y);
  Tensor predict_on_batch(const Tensor& x);
  TensorList predict_on_batch(const TensorList& x);

  // ---- the training step (Keras's Trainer). fit / evaluate / predict call these once per
  // batch, with this process's rows of it (see distribution()). Override them as Keras's
  // guide "Customizing what happens in fit()" does, built from the helpers below; the
  // default train_step is the pipeline forward -> compute_loss -> gradients ->
  // distribution hook -> optimizer -> compute_metrics.
  /// One gradient step on one batch; returns the batch's logs (name -> value), which fit
  /// passes to the callbacks. The last step's logs are the epoch's.
  virtual Logs train_step(const TensorList& x, const TensorList& y);
  /// The step fit calls, with the batch's sample weights (one per output, or empty): it
  /// calls the two-argument form when there are none, so overriding that one is enough
  /// for data without weights (as Keras's guide unpacks data = (x, y) or (x, y, sw)).
  virtual Logs train_step(const TensorList& x, const TensorList& y, const TensorList& sample_weight);
  /// Loss and metrics of one batch without gradients (evaluate, fit's validation).
  virtual Logs test_step(const TensorList& x, const TensorList& y);
  virtual Logs test_step(const TensorList& x, const TensorList& y, const TensorList& sample_weight);
  /// The outputs for one batch (predict, predict_on_batch); called with recording off.
  virtual TensorList predict_step(const TensorList& x);
  /// The compiled losses (per output, weighted, summed) plus the regularization penalties
  /// and what layers added with add_loss in the innermost open LossScope (fit and evaluate
  /// open one around each step). Updates the per-output loss trackers of a model with
  /// several outputs, as Keras's compiled loss does. ValueError when there is no loss at all.
  Tensor compute_loss(const TensorList& x, const TensorList& y, const TensorList& y_pred, bool training = true);
  /// The same with per-output sample weights (empty: none; one array: every output).
  Tensor compute_loss(const TensorList& x, const TensorList& y, const TensorList& y_pred,
                      const TensorList& sample_weight, bool training = true);
  /// Updates the compiled metrics with the batch and returns get_metrics_result().
  Logs compute_metrics(const TensorList& x, const TensorList& y, const TensorList& y_pred);
  /// The same with the batch's sample weights (one per output, one for all, or empty),
  /// which the weighted_metrics get.
  Logs compute_metrics(const TensorList& x, const TensorList& y, const TensorList& y_pred,
                       const TensorList& sample_weight);
  /// The results of metrics() by logged name, from their states summed over all processes
  /// by the distribution hook (the local states are left as they were).
  Logs get_metrics_result();
  /// The metrics fit resets at each epoch and get_metrics_result reads: the loss tracker
  /// ("loss"), the per-output losses, the compiled metrics. A subclass with trackers of
  /// its own returns them (Keras's `metrics` property, which the guide overrides).
  virtual std::vector<metrics::Metric*> metrics();
  void reset_metrics();
  /// The distribution hook this model trains with: its own when set, else the one
  /// keras::distribution::set_distribution set (SingleProcess by default).
  std::shared_ptr<distribution::Distribution> distribution() const;
  /// Gives this model its own distribution; null goes back to the global one.
  void set_distribution(std::shared_ptr<distribution::Distribution> value) { distribution_ = std::move(value); }

  /// Set by a callback to end fit() after the current epoch.
  bool stop_training = false;
  /// Set by a callback's on_train_begin to start fit() at this epoch instead of
  /// FitOptions::initial_epoch (BackupAndRestore resuming; Keras's model._initial_epoch).
  /// fit() clears it.
  std::optional<int> resume_at_epoch{};

  // ---- structure
  /// The model's layers in Keras's order (a functional model lists its InputLayers too).
  virtual std::vector<std::shared_ptr<layers::Layer>> layers() const;
  /// Everything the graph runs, in the same order: the layers and the operations Keras
  /// records in graphs (NotEqual, Any), which are not layers to Keras.
  const std::vector<std::shared_ptr<layers::Layer>>& operations() const { return operations_; }
  std::shared_ptr<layers::Layer> get_layer(const std::string& name) const;
  const layers::KerasTensors& inputs() const { return inputs_; }
  const layers::KerasTensors& outputs() const { return outputs_; }
  /// Names of the layers producing the outputs (how Keras names per-output logs).
  std::vector<std::string> output_names() const;
  std::vector<std::string> input_names() const;
  /// The calls that make up the graph, from inputs to outputs: (layer, index of the
  /// call in layer->inbound_nodes()). Used to write the functional config.
  const std::vector<std::pair<std::shared_ptr<layers::Layer>, int>>& graph_nodes() const { return graph_nodes_; }

  /// Prints Keras's summary table.
  void summary(std::ostream& out) const;
  void summary() const;
  std::string summary_string() const;

  // ---- as a layer
  TensorList call(const TensorList& inputs, const layers::CallContext& ctx) override;
  bool sets_own_output_masks() const override { return true; }
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;
  /// The Functional config (layers with their inbound nodes, input_layers, output_layers).
  Config get_config() const override;
  bool takes_list_input() const override { return inputs_.size() > 1; }
  /// Graph models (Functional, Sequential) cast each input to its Input's dtype instead;
  /// subclassed models cast to their compute dtype as layers do.
  bool autocasts_inputs() const override { return !has_graph() && class_name() != "Sequential"; }

 protected:
  /// For subclasses (Sequential) that set up their graph later with init_graph.
  Model(std::string class_name, const layers::LayerArgs& args);
  void init_graph(const layers::KerasTensors& inputs, const layers::KerasTensors& outputs);
  bool has_graph() const { return !inputs_.empty(); }
  /// Checks x against the model's inputs and returns it as the graph wants it (Keras's
  /// rank fix-ups and dtype casts). Sequential builds itself here from the first batch.
  virtual TensorList standardize_inputs(const TensorList& x);
  /// Whether summary() uses the three-column layout (a plain chain) or adds "Connected to".
  virtual bool summary_is_sequential() const;

 private:
  struct Step {
    std::shared_ptr<layers::Layer> layer;
    std::vector<int> in_slots, out_slots;
    int mask_slot = -1;            // an explicit `mask` argument
    std::vector<int> state_slots;  // an explicit `initial_state` argument
  };

  TensorList run_graph(const TensorList& inputs, bool training);
  struct ActivationPeak {
    double bytes_per_row = 0;
    int largest_slot = -1;  // the largest tensor alive at the peak
  };
  /// The most bytes of activations run_graph holds at once per batch row (a lower bound:
  /// unknown dimensions count as 1), following its plan: each step's outputs appear, its
  /// inputs go after their last read. With `find_largest`, also the largest tensor then.
  ActivationPeak activation_peak(bool find_largest) const;
  /// ResourceExhaustedError when a batch of `rows` exceeds config::max_activation_bytes().
  void check_activation_budget(int64_t rows) const;
  /// The most rows a batch may have under config::max_activation_bytes() (at least 1; a
  /// model without a graph has no limit here).
  int64_t max_rows_within_activation_budget() const;
  Tensor add_layer_losses(const Tensor& loss, const layers::LossScope* added) const;
  void require_compiled(const char* what) const;
  void check_targets(const TensorList& y) const;
  Logs run_evaluation(const TensorList& x, const TensorList& y, const TensorList& sample_weight, int64_t batch_size,
                      int verbose, const std::vector<std::shared_ptr<callbacks::Callback>>& cbs, bool inside_fit);
  Logs run_evaluation(trainers::BatchSource& source, int verbose,
                      const std::vector<std::shared_ptr<callbacks::Callback>>& cbs, bool inside_fit);
  callbacks::History run_fit(trainers::BatchSource& source, std::optional<ValidationData> val, const FitOptions& o);
  /// predict's loop: each output's batches concatenated; nullopt when there was no batch.
  std::optional<TensorList> run_prediction(trainers::BatchSource& source,
                                           const std::vector<std::shared_ptr<callbacks::Callback>>& cbs);
  /// Checks a dataset's batch against the model and applies class_weight to it.
  void prepare_batch(utils::DataBatch& batch, const std::map<int64_t, double>& class_weight);
  void check_class_weight_outputs(size_t outputs) const;
  void check_dataset_options(const FitOptions& o, const char* where) const;
  Logs default_train_step(const TensorList& x, const TensorList& y, const TensorList& sample_weight);
  Logs default_test_step(const TensorList& x, const TensorList& y, const TensorList& sample_weight);

  // graph
  layers::KerasTensors inputs_, outputs_;
  std::vector<std::shared_ptr<layers::Layer>> operations_;  // Keras's model.layers order
  std::vector<Step> steps_;                                 // execution order
  std::vector<int> input_slots_, output_slots_;
  int num_slots_ = 0;
  /// What the activation budget knows of each slot: its symbolic tensor and bytes per
  /// batch row (the first axis is the batch; unknown dimensions count as 1).
  struct SlotInfo {
    double bytes_per_row = 0;
    Shape shape;
    DType dtype = DType::float32;
    std::string layer;  // the producer
  };
  std::vector<SlotInfo> slots_;
  std::vector<size_t> last_read_;        // the step after which each slot is read no more
  double activation_bytes_per_row_ = 0;  // activation_peak(), computed with the plan
  std::vector<std::pair<std::shared_ptr<layers::Layer>, int>> graph_nodes_;

  // training configuration
  bool compiled_ = false;
  CompileOptions compile_options_;
  std::shared_ptr<optimizers::Optimizer> optimizer_;
  std::vector<std::optional<losses::Loss>> output_losses_;
  std::vector<double> loss_weights_;
  struct NamedMetric {
    std::string name;  // as logged ("accuracy", or "<output>_accuracy" with several outputs)
    size_t output;
    std::shared_ptr<metrics::Metric> metric;
    bool weighted = false;  // from weighted_metrics: gets the sample weights
  };
  std::vector<NamedMetric> metrics_;
  metrics::Mean loss_tracker_{"loss"};
  std::vector<metrics::Mean> output_loss_trackers_;
  std::shared_ptr<distribution::Distribution> distribution_;  // null: the global one
};

}  // namespace keras::models

namespace keras {
using models::Model;
}  // namespace keras
