// The base of every layer (keras.layers.Layer). A layer follows Keras's life cycle:
//   constructor   stores and validates its options;
//   build(shape)  creates the weights (add_weight) on first call;
//   call(x, ctx)  computes with keras::ops only (so it is differentiable);
//   compute_output_shape(shape) for shape inference without data.
// operator() is the only entry point users call: it checks the input against the
// InputSpec, builds lazily, casts floating inputs to the layer's compute dtype and runs
// call() with its float variables read in that dtype (its dtype policy, see
// keras/mixed_precision/policy.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "keras/constraints/constraints.h"
#include "keras/initializers/initializers.h"
#include "keras/layers/fields.h"
#include "keras/layers/input_spec.h"
#include "keras/layers/keras_tensor.h"
#include "keras/mixed_precision/policy.h"
#include "keras/regularizers/regularizers.h"
#include "keras/tensor/tensor.h"
#include "keras/utils/config.h"
#include "keras/variables/variable.h"

namespace keras::layers {

/// A layer's `dtype` argument: a dtype, or a policy name such as "mixed_bfloat16".
using mixed_precision::DTypePolicy;

/// Per-call arguments besides the inputs (Keras's `training`, `mask`, `initial_state`).
struct CallContext {
  bool training = false;
  /// One mask per input (an undefined Tensor for none). Left empty, the masks the inputs
  /// carry (Tensor::keras_mask) are used, as Keras does.
  TensorList masks{};
  /// Recurrent layers: the states to start from (LSTM: {h, c}).
  TensorList initial_state{};
  /// The mask of input i, or an undefined Tensor.
  Tensor mask(size_t i = 0) const { return i < masks.size() ? masks[i] : Tensor(); }
};

/// Collects the losses layers add during one forward pass (Keras's add_loss: activity
/// regularizers, ActivityRegularization, custom layers). The trainer opens one per step;
/// scopes nest, the innermost collects.
class LossScope {
 public:
  LossScope();
  ~LossScope();
  LossScope(const LossScope&) = delete;
  LossScope& operator=(const LossScope&) = delete;
  const TensorList& losses() const { return losses_; }
  /// The innermost open scope on this thread, or null.
  static LossScope* current();
  void add(const Tensor& loss) { losses_.push_back(loss); }

 private:
  TensorList losses_;
  LossScope* outer_;
};

/// Keyword tensors of a symbolic call: layer(x, {.mask = m, .initial_state = {h, c}}).
struct CallArgs {
  std::optional<KerasTensor> mask{};
  KerasTensors initial_state{};
};

/// The keyword arguments every Keras layer takes (the tail of every options struct), and
/// the whole options of layers that take nothing else (Activation, Reshape, ...).
struct LayerArgs {
  std::optional<Shape> input_shape{};  // shape without the batch dim, for a model's first layer
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;
  static constexpr auto fields() { return std::tuple<>(); }
};

/// The tail of any options struct, for the Layer constructor.
template <class O>
LayerArgs layer_args_of(const O& o) {
  LayerArgs a{.name = o.name, .dtype = o.dtype, .trainable = o.trainable};
  if constexpr (requires { o.input_shape; }) a.input_shape = o.input_shape;
  return a;
}

class Layer : public std::enable_shared_from_this<Layer> {
 public:
  virtual ~Layer() = default;
  Layer(Layer&&) = default;
  Layer& operator=(Layer&&) = default;

  const std::string& name() const { return name_; }
  /// Keras's class name: "Dense", "Conv2D", ...
  const std::string& class_name() const { return class_name_; }
  bool built() const { return built_; }
  /// Where this layer's weights live and its inputs are expected: fixed when the layer is
  /// built (the default device then, see keras::DeviceScope) or by to(); before either,
  /// the current default device.
  Device device() const { return device_.value_or(default_device()); }
  /// Moves this layer's weights and those of the layers it tracks to `device` (the
  /// Variable objects stay the same, their storage moves) and makes it build there.
  /// Models override it to move their optimizer state as well.
  virtual void to(Device device);
  bool trainable() const { return trainable_; }
  void set_trainable(bool trainable);
  /// The dtype of the layer's variables (Keras's layer.dtype).
  DType dtype() const { return dtype_policy_.variable_dtype(); }
  /// The dtype it computes in: its floating inputs are cast to it, and so are its float
  /// variables inside call().
  DType compute_dtype() const { return dtype_policy_.compute_dtype(); }
  const DTypePolicy& dtype_policy() const { return dtype_policy_; }
  /// The `input_shape` given at construction (without batch dim), if any.
  const std::optional<Shape>& declared_input_shape() const { return declared_input_shape_; }

  /// Runs the layer on a tensor (eager). `training` switches Dropout and friends on.
  Tensor operator()(const Tensor& x, bool training = false);
  TensorList operator()(const TensorList& xs, bool training = false);
  /// The general eager call: masks and initial states as well. Output masks are attached
  /// to the outputs (Tensor::keras_mask).
  TensorList operator()(const TensorList& xs, const CallContext& ctx);

  /// Calls the layer on symbolic tensors (Functional API), recording a Node. A temporary
  /// layer moves itself into shared ownership: layers::Dense(10)(x). A named layer must
  /// already be shared (a LayerHandle or std::make_shared) so the model can keep it.
  KerasTensors operator()(const KerasTensors& inputs) &;
  KerasTensors operator()(const KerasTensors& inputs) &&;
  KerasTensors operator()(const KerasTensor& input) & { return (*this)(KerasTensors(input)); }
  KerasTensors operator()(const KerasTensor& input) && { return std::move(*this)(KerasTensors(input)); }
  KerasTensors operator()(const KerasTensors& inputs, const CallArgs& args) &;
  KerasTensors operator()(const KerasTensors& inputs, const CallArgs& args) &&;
  /// The symbolic call itself, for a layer owned by `self`.
  static KerasTensors call_symbolic(const std::shared_ptr<Layer>& self, const KerasTensors& inputs,
                                    const CallArgs& args = {});
  /// The calls recorded so far (a shared layer has one per call), by call index. A call
  /// whose graph is gone (no tensor or model holds its outputs) is null.
  std::vector<std::shared_ptr<Node>> inbound_nodes() const;
  /// The most recent call whose graph is still alive, or null.
  std::shared_ptr<Node> last_node() const;
  /// Merge layers take a list of tensors as one argument.
  virtual bool takes_list_input() const { return false; }
  /// Whether operator() casts floating inputs to the compute dtype (graph models cast
  /// each input to its Input's dtype instead, as Keras's Functional does).
  virtual bool autocasts_inputs() const { return true; }
  /// Moves this layer (of its most derived type) into a shared_ptr. See Concrete.
  virtual std::shared_ptr<Layer> move_to_shared() && = 0;

  // ---- life cycle (override in subclasses)
  /// Creates weights for inputs of these shapes (batch dim first, kNone when unknown).
  virtual void build(const std::vector<Shape>& input_shapes);
  virtual void build(const Shape& input_shape);
  virtual TensorList call(const TensorList& inputs, const CallContext& ctx);
  virtual Tensor call(const Tensor& x, const CallContext& ctx);
  virtual std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes);
  virtual Shape compute_output_shape(const Shape& input_shape);
  /// The dtypes of the outputs (the compute dtype unless it makes masks or indices).
  virtual std::vector<DType> compute_output_dtypes(const std::vector<DType>& input_dtypes, size_t num_outputs);

  // ---- masks (Keras's supports_masking / compute_mask)
  /// Whether the layer passes masks on. Layers that do not drop the masks they are given.
  virtual bool supports_masking() const { return false; }
  /// The output masks (one per output, undefined for none) from the inputs and their masks.
  /// The default passes the first input's mask on to a single output when supports_masking().
  virtual TensorList compute_mask(const TensorList& inputs, const TensorList& masks, size_t num_outputs);
  /// Keras operations recorded in graphs (NotEqual, Any): not listed in model.layers.
  virtual bool is_operation() const { return false; }
  /// Models leave the masks their inner layers set on the outputs.
  virtual bool sets_own_output_masks() const { return false; }

  /// Builds the layer if needed and checks the input shapes, without running it. The
  /// shapes are recorded for build_config with the batch size as None, as a model's
  /// symbolic call records them, unless `keep_batch_size` (a layer built on concrete data,
  /// as Normalization.adapt does, or from a file's build_config: Keras writes the shape
  /// build() was given).
  void build_for(const std::vector<Shape>& input_shapes, bool keep_batch_size = false);

  // ---- weights, in Keras's order (creation order; a variable tracked twice, by a
  // wrapper and by the layer it wraps, is listed once, where it first appears)
  std::vector<Variable> weights() const;
  std::vector<Variable> trainable_weights() const;
  std::vector<Variable> non_trainable_weights() const;
  /// Copies of the weights' values (layer.get_weights()).
  std::vector<Tensor> get_weights() const;
  /// Sets all weights at once, checking count and shapes (layer.set_weights()).
  void set_weights(const std::vector<Tensor>& values);
  int64_t count_params() const;

  // ---- losses (Keras's layer.losses / add_loss)
  /// The penalties of the trainable weights' regularizers (this layer's and its
  /// sublayers'), computed from the current values, differentiable.
  TensorList regularization_losses() const;
  /// Adds a loss to the step being computed (a no-op outside fit/evaluate, where no
  /// LossScope is open).
  void add_loss(const Tensor& loss) const;
  /// Keras's activity_regularizer: a penalty on every output of each call.
  const regularizers::Regularizer& activity_regularizer() const { return activity_regularizer_; }
  void set_activity_regularizer(regularizers::Regularizer r) { activity_regularizer_ = std::move(r); }

  const InputSpec& input_spec() const { return input_spec_; }
  /// The input shapes the layer was built for (see build_for); empty before build.
  const std::vector<Shape>& build_input_shapes() const { return build_shapes_; }
  /// The weights this layer created itself (not those of tracked sublayers).
  const std::vector<Variable>& own_weights() const { return weights_; }
  /// Sublayers saved under their own names (e.g. an RNN's "cell"); see saving/.
  virtual std::vector<std::pair<std::string, std::shared_ptr<Layer>>> named_sublayers() const { return {}; }
  /// The key of own weight `i` in the weights file's `vars` group: "0", "1", ... as
  /// Keras's Layer.save_own_variables writes; a layer whose Keras class writes its own
  /// keys (IndexLookup's "idf_weights") overrides it.
  virtual std::string saved_variable_key(size_t i) const { return std::to_string(i); }
  /// Files a .keras archive keeps for this layer under "assets/" + its weights path (Keras's
  /// save_assets: a learned vocabulary's "vocabulary.txt"), as name and contents. Most
  /// layers keep none.
  virtual std::vector<std::pair<std::string, std::string>> save_assets() const { return {}; }
  /// Reads back the files of this layer's assets folder (name and contents), when the
  /// archive has one (Keras's load_assets).
  virtual void load_assets(const std::vector<std::pair<std::string, std::string>>& files) { (void)files; }

  // ---- config (Keras's get_config; from_config is a static member registered with the
  // class, see registry.h)
  /// The config dict: name, trainable, dtype (and activity_regularizer when set); layers
  /// add their arguments (layer_config.h).
  virtual Config get_config() const;

 protected:
  Layer(std::string class_name, const LayerArgs& args);

  /// Creates a weight named `name` (kernel, bias, ...) and tracks it.
  /// `dtype` defaults to the layer's (Normalization's int `count` is the exception).
  Variable add_weight(const std::string& name, const Shape& shape, const initializers::Initializer& initializer,
                      bool trainable = true, const regularizers::Regularizer& regularizer = {},
                      const constraints::Constraint& constraint = {}, std::optional<DType> dtype = {});
  /// Makes a weight another layer created one of this layer's own, as Keras's attribute
  /// tracking does (a wrapper's `self.kernel = self.layer.kernel`): it is saved with this
  /// layer's variables too, and weights() lists it once.
  void track_weight(const Variable& weight);
  /// Makes `layer`'s weights part of this layer's (wrappers, nested models).
  void track_layer(std::shared_ptr<Layer> layer);
  void untrack_layers() { sublayers_.clear(); }
  /// Records a node (used by InputLayer for its own node, which it owns).
  void add_inbound_node(const std::shared_ptr<Node>& node) { inbound_nodes_.push_back(node); }
  /// Throws ValueError "<what> of layer "name" ..." for bad constructor arguments.
  [[noreturn]] void fail(const std::string& message) const;
  /// For layers that build themselves outside build_for (models).
  void set_built() { built_ = true; }

  InputSpec input_spec_;

 private:
  void check_inputs(const std::vector<Shape>& shapes) const;

  std::string class_name_;
  std::string name_;
  DTypePolicy dtype_policy_{DType::float32};
  bool trainable_ = true;
  bool built_ = false;
  std::optional<Device> device_;
  std::optional<Shape> declared_input_shape_;
  std::vector<Variable> weights_;
  std::vector<bool> created_trainable_;  // add_weight's `trainable`, per weight
  std::vector<std::shared_ptr<Layer>> sublayers_;
  std::vector<std::weak_ptr<Node>> inbound_nodes_;  // owned by the output tensors (keras_tensor.h)
  std::vector<Shape> build_shapes_;
  regularizers::Regularizer activity_regularizer_;
};

/// The base every concrete layer class derives from, naming itself:
///   class Dense : public Concrete<Dense> { ... };
///   class Conv2D : public Concrete<Conv2D, BaseConv> { ... };
/// It lets a temporary layer move itself into shared ownership when called symbolically.
template <class Derived, class Base = Layer>
class Concrete : public Base {
 public:
  using Base::Base;
  std::shared_ptr<Layer> move_to_shared() && override {
    return std::make_shared<Derived>(std::move(static_cast<Derived&>(*this)));
  }
};

/// A shared layer handle that converts from any layer value, so lists of layers read
/// like Keras: Sequential({Conv2D(32, 3, {.activation = "relu"}), Flatten(), Dense(10)}).
class LayerHandle {
 public:
  template <class L>
    requires std::derived_from<std::decay_t<L>, Layer>
  LayerHandle(L&& layer)  // NOLINT: implicit by design
      : ptr_(std::make_shared<std::decay_t<L>>(std::forward<L>(layer))) {}
  template <class L>
    requires std::derived_from<L, Layer>
  LayerHandle(std::shared_ptr<L> layer) : ptr_(std::move(layer)) {}  // NOLINT
  /// keras::Input(...) in a layer list stands for its InputLayer.
  LayerHandle(const KerasTensor& input) : ptr_(input.layer) {}  // NOLINT

  /// Calls the shared layer (eager or symbolic); every call uses the same weights.
  Tensor operator()(const Tensor& x, bool training = false) const { return (*ptr_)(x, training); }
  TensorList operator()(const TensorList& xs, const CallContext& ctx) const { return (*ptr_)(xs, ctx); }
  KerasTensors operator()(const KerasTensors& inputs) const { return Layer::call_symbolic(ptr_, inputs); }
  KerasTensors operator()(const KerasTensors& inputs, const CallArgs& args) const {
    return Layer::call_symbolic(ptr_, inputs, args);
  }
  KerasTensors operator()(const KerasTensor& input) const { return Layer::call_symbolic(ptr_, KerasTensors(input)); }

  Layer* operator->() const { return ptr_.get(); }
  Layer& operator*() const { return *ptr_; }
  const std::shared_ptr<Layer>& ptr() const { return ptr_; }

 private:
  std::shared_ptr<Layer> ptr_;
};

/// Keras's automatic names: "dense", "dense_1", ... unique per prefix in this process.
std::string unique_name(const std::string& prefix);
/// "MaxPooling2D" -> "max_pooling2d" (Keras's to_snake_case).
std::string to_snake_case(const std::string& class_name);
/// Forgets the names handed out so far (keras.utils.clear_session()).
void reset_names();

}  // namespace keras::layers
