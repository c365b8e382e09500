#include "keras/layers/layer.h"

#include <map>
#include <mutex>
#include <regex>
#include <unordered_set>

#include "backend/allocation_lifetime.h"
#include "keras/autograd/gradient_tape.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers {

using keras::detail::cat;

// ---- names

namespace {
std::mutex g_names_mutex;
std::map<std::string, int> g_name_counts;
}  // namespace

std::string to_snake_case(const std::string& name) {
  static const std::regex first("(.)([A-Z][a-z]+)"), second("([a-z])([A-Z])");  // Keras's, exactly
  std::string s = std::regex_replace(name, first, "$1_$2");
  s = std::regex_replace(s, second, "$1_$2");
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string unique_name(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(g_names_mutex);
  const int n = g_name_counts[prefix]++;
  return n == 0 ? prefix : prefix + "_" + std::to_string(n);
}

void reset_names() {
  std::lock_guard<std::mutex> lock(g_names_mutex);
  g_name_counts.clear();
}

// ---- input spec

void assert_input_compatibility(const InputSpec& spec, const Shape& shape, const std::string& layer_name,
                                size_t input_index) {
  const std::string head = cat("Input ", input_index, " of layer \"", layer_name, "\" is incompatible with the layer: ");
  const int64_t r = shape.rank();
  if (spec.ndim && r != *spec.ndim)
    throw ValueError(cat(head, "expected ndim=", *spec.ndim, ", found ndim=", r, ". Full shape received: ",
                         shape.to_string()));
  if (spec.min_ndim && r < *spec.min_ndim)
    throw ValueError(cat(head, "expected min_ndim=", *spec.min_ndim, ", found ndim=", r, ". Full shape received: ",
                         shape.to_string()));
  if (spec.max_ndim && r > *spec.max_ndim)
    throw ValueError(cat(head, "expected max_ndim=", *spec.max_ndim, ", found ndim=", r, ". Full shape received: ",
                         shape.to_string()));
  for (const auto& [axis, value] : spec.axes) {
    const int64_t a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= r || (shape[static_cast<size_t>(a)] != value && shape[static_cast<size_t>(a)] != kNone))
      throw ValueError(cat(head, "expected axis ", axis, " of input shape to have value ", value,
                           ", but received input with shape ", shape.to_string()));
  }
  if (spec.shape) {
    bool ok = spec.shape->rank() == r;
    for (int64_t i = 0; ok && i < r; ++i) {
      const int64_t want = (*spec.shape)[static_cast<size_t>(i)], got = shape[static_cast<size_t>(i)];
      if (want != kNone && got != kNone && want != got) ok = false;
    }
    if (!ok)
      throw ValueError(cat(head, "expected shape=", spec.shape->to_string(), ", found shape=", shape.to_string()));
  }
}

// ---- Layer

Layer::Layer(std::string class_name, const LayerArgs& args)
    : class_name_(std::move(class_name)),
      name_(args.name.empty() ? unique_name(to_snake_case(class_name_)) : args.name),
      dtype_policy_(args.dtype.value_or(mixed_precision::global_policy())),
      trainable_(args.trainable),
      declared_input_shape_(args.input_shape) {
  if (!is_floating(compute_dtype()) && class_name_ != "InputLayer")
    throw ValueError(cat("Layer \"", name_, "\": dtype must be a floating type, got ", dtype_policy_.name()));
  if (declared_input_shape_)
    for (int64_t d : *declared_input_shape_)
      if (d < 0 && d != kNone)
        throw ValueError(cat("Layer \"", name_, "\": invalid input_shape ", declared_input_shape_->to_string()));
}

void Layer::fail(const std::string& message) const {
  throw ValueError(cat(message, " (layer \"", name_, "\" of type ", class_name_, ")"));
}

void Layer::set_trainable(bool trainable) {
  trainable_ = trainable;
  // A weight created non-trainable (BatchNormalization's moving statistics) stays so, as
  // in Keras, where the layer's flag filters its weights' own flags.
  for (size_t i = 0; i < weights_.size(); ++i) weights_[i].set_trainable(trainable && created_trainable_[i]);
  for (auto& l : sublayers_) l->set_trainable(trainable);
}

void Layer::check_inputs(const std::vector<Shape>& shapes) const {
  for (size_t i = 0; i < shapes.size(); ++i) assert_input_compatibility(input_spec_, shapes[i], name_, i);
}

void Layer::build_for(const std::vector<Shape>& input_shapes, bool keep_batch_size) {
  check_inputs(input_shapes);
  if (!built_) {
    if (!device_) device_ = default_device();
    // Tensors a build makes besides its weights (constants, states) follow the layer too.
    DeviceScope scope(*device_);
    build(input_shapes);
    built_ = true;
    build_shapes_ = input_shapes;
    if (!keep_batch_size)
      for (auto& shape : build_shapes_)
        if (shape.rank() > 0) shape[0] = kNone;
    check_inputs(input_shapes);  // build may have tightened the spec (e.g. Dense's input dim)
  }
}

TensorList Layer::operator()(const TensorList& xs, bool training) { return (*this)(xs, CallContext{training}); }

namespace {
/// True when `t` is one of `xs` (the same handle target), so setting its mask would
/// change the mask of an input too.
bool is_one_of(const Tensor& t, const TensorList& xs) {
  for (const Tensor& x : xs)
    if (x.impl() == t.impl()) return true;
  return false;
}
}  // namespace

TensorList Layer::operator()(const TensorList& xs, const CallContext& ctx_in) {
  std::vector<Shape> shapes;
  TensorList inputs;
  CallContext ctx = ctx_in;
  const bool explicit_masks = !ctx.masks.empty();
  if (explicit_masks && ctx.masks.size() != xs.size())
    throw ValueError(cat("Layer \"", name_, "\" was given ", ctx.masks.size(), " masks for ", xs.size(), " inputs"));
  for (const Tensor& x : xs) {
    if (!x.defined()) throw ValueError(cat("Layer \"", name_, "\" was called on an undefined tensor"));
    if (!explicit_masks) ctx.masks.push_back(x.keras_mask());
    // Keras autocasts floating inputs to the layer's compute dtype (graph models cast
    // each input to its Input's dtype instead).
    const bool cast = autocasts_inputs() && is_floating(x.dtype()) && x.dtype() != compute_dtype();
    inputs.push_back(cast ? ops::cast(x, compute_dtype()) : x);
    shapes.push_back(x.shape());
  }
  bool any_mask = false;
  for (const Tensor& m : ctx.masks) any_mask |= m.defined();
  if (!any_mask) ctx.masks.clear();
  build_for(shapes);  // as in Keras, an eager first call builds with the real shapes
  TensorList out;
  {
    // Float variables read in the compute dtype during the call (Keras's rule: a layer
    // opens a scope of its own compute dtype when its policy is mixed or an outer layer's
    // scope has another dtype).
    const AutocastScope* outer = AutocastScope::current();
    std::optional<AutocastScope> scope;
    if (outer && outer->dtype() != compute_dtype()) scope.emplace(compute_dtype());
    else if (!outer && dtype_policy_.is_mixed()) scope.emplace(compute_dtype());
    out = call(inputs, ctx);
  }
  // Keras adds the penalty of every output of the call; outside fit/evaluate no step
  // collects it, so predict does not pay for it.
  if (activity_regularizer_ && LossScope::current())
    for (const Tensor& o : out)
      if (o.defined() && is_floating(o.dtype())) add_loss(activity_regularizer_(o));
  if (sets_own_output_masks()) return out;
  TensorList out_masks = compute_mask(inputs, ctx.masks, out.size());
  for (size_t k = 0; k < out.size(); ++k) {
    const Tensor want = k < out_masks.size() ? out_masks[k] : Tensor();
    if (want.impl() == out[k].keras_mask().impl()) continue;
    if (is_one_of(out[k], xs) || is_one_of(out[k], inputs)) out[k] = ops::reshape(out[k], out[k].shape());  // a new handle
    out[k].set_keras_mask(want.requires_grad() ? want.detach() : want);
  }
  return out;
}

TensorList Layer::compute_mask(const TensorList&, const TensorList& masks, size_t num_outputs) {
  if (!supports_masking() || masks.empty() || num_outputs != 1) return {};
  return {masks[0]};
}

std::vector<DType> Layer::compute_output_dtypes(const std::vector<DType>&, size_t num_outputs) {
  return std::vector<DType>(num_outputs, compute_dtype());
}

Tensor Layer::operator()(const Tensor& x, bool training) {
  TensorList out = (*this)(TensorList{x}, training);
  if (out.size() != 1)
    throw ValueError(cat("Layer \"", name_, "\" returns ", out.size(), " tensors; call it with a list"));
  return out[0];
}

KerasTensors Layer::call_symbolic(const std::shared_ptr<Layer>& self, const KerasTensors& inputs, const CallArgs& args) {
  if (!self) throw ValueError("Cannot call a null layer");
  if (inputs.empty()) throw ValueError(cat("Layer \"", self->name_, "\" was called without inputs"));
  std::vector<Shape> shapes;
  for (const auto& kt : inputs) {
    if (!kt.layer)
      throw ValueError(cat("Layer \"", self->name_, "\" was called on a symbolic tensor with no history; make "
                           "symbolic inputs with keras::Input()"));
    shapes.push_back(kt.shape);
  }
  for (const auto& kt : args.initial_state)
    if (!kt.layer) throw ValueError(cat("Layer \"", self->name_, "\" was given an initial state with no history"));
  if (args.mask && !args.mask->layer)
    throw ValueError(cat("Layer \"", self->name_, "\" was given a mask with no history"));
  self->build_for(shapes);
  auto node = std::make_shared<Node>();
  node->inputs = std::vector<KerasTensor>(inputs.begin(), inputs.end());
  node->mask = args.mask;
  node->initial_state = std::vector<KerasTensor>(args.initial_state.begin(), args.initial_state.end());
  node->output_shapes = self->compute_output_shape(shapes);
  node->inputs_as_list = self->takes_list_input() || inputs.size() > 1;
  std::vector<DType> in_dtypes;
  for (const auto& kt : inputs) in_dtypes.push_back(kt.dtype);
  node->output_dtypes = self->compute_output_dtypes(in_dtypes, node->output_shapes.size());
  KerasTensors outputs;
  const int node_index = static_cast<int>(self->inbound_nodes_.size());
  for (size_t i = 0; i < node->output_shapes.size(); ++i)
    outputs.push_back(KerasTensor{node->output_shapes[i], node->output_dtypes.at(i), self, node_index, static_cast<int>(i), node});
  self->inbound_nodes_.push_back(node);
  return outputs;
}

std::vector<std::shared_ptr<Node>> Layer::inbound_nodes() const {
  std::vector<std::shared_ptr<Node>> out;
  out.reserve(inbound_nodes_.size());
  for (const auto& n : inbound_nodes_) out.push_back(n.lock());
  return out;
}

std::shared_ptr<Node> Layer::last_node() const {
  for (auto it = inbound_nodes_.rbegin(); it != inbound_nodes_.rend(); ++it)
    if (auto n = it->lock()) return n;
  return nullptr;
}

KerasTensors Layer::operator()(const KerasTensors& inputs) & { return (*this)(inputs, CallArgs{}); }
KerasTensors Layer::operator()(const KerasTensors& inputs) && { return std::move(*this)(inputs, CallArgs{}); }

KerasTensors Layer::operator()(const KerasTensors& inputs, const CallArgs& args) & {
  std::shared_ptr<Layer> self = weak_from_this().lock();
  if (!self)
    throw ValueError(cat("Layer \"", name_, "\" is called on symbolic tensors but is not shared, so a model could "
                         "not keep it alive. Call a temporary (layers::Dense(8)(x)), or hold the layer in a "
                         "layers::LayerHandle or std::make_shared to reuse it."));
  return call_symbolic(self, inputs, args);
}

KerasTensors Layer::operator()(const KerasTensors& inputs, const CallArgs& args) && {
  if (std::shared_ptr<Layer> self = weak_from_this().lock()) return call_symbolic(self, inputs, args);
  return call_symbolic(std::move(*this).move_to_shared(), inputs, args);
}

void Layer::build(const std::vector<Shape>& input_shapes) {
  if (input_shapes.size() != 1)
    throw ValueError(cat("Layer \"", name_, "\" expects one input, but it received ", input_shapes.size()));
  build(input_shapes[0]);
}

void Layer::build(const Shape&) {}

TensorList Layer::call(const TensorList& inputs, const CallContext& ctx) {
  if (inputs.size() != 1)
    throw ValueError(cat("Layer \"", name_, "\" expects one input, but it received ", inputs.size()));
  return {call(inputs[0], ctx)};
}

Tensor Layer::call(const Tensor&, const CallContext&) {
  throw RuntimeError(cat("Layer \"", name_, "\" (", class_name_, ") does not implement call()"));
}

std::vector<Shape> Layer::compute_output_shape(const std::vector<Shape>& input_shapes) {
  if (input_shapes.size() != 1)
    throw ValueError(cat("Layer \"", name_, "\" expects one input, but it received ", input_shapes.size()));
  return {compute_output_shape(input_shapes[0])};
}

Shape Layer::compute_output_shape(const Shape& input_shape) { return input_shape; }

Variable Layer::add_weight(const std::string& name, const Shape& shape, const initializers::Initializer& initializer,
                           bool trainable, const regularizers::Regularizer& regularizer,
                           const constraints::Constraint& constraint, std::optional<DType> dtype) {
  // Initializers make their tensors on the default device: make it this layer's (and
  // move what an initializer put elsewhere), so weights live where the layer computes.
  // Weights live as long as the layer, also when it is built inside a graph's call at
  // inference (whose tensors are declared short-lived).
  backend::AllocationLifetimeScope lifetime(backend::AllocationLifetime::long_lived);
  Tensor initial;
  {
    DeviceScope scope(device());
    initial = initializer(shape, dtype.value_or(dtype_policy_.variable_dtype()));
  }
  if (initial.device() != device()) initial = initial.to(device());
  Variable v(initial, name, trainable && trainable_);
  v.set_path(name_ + "/" + name);
  v.set_regularizer(regularizer);
  v.set_constraint(constraint);
  // Run the constraint once now, so a bad one (an axis the weight lacks) fails while the
  // layer is built, not half-way through an optimizer step.
  if (constraint) {
    try {
      autograd::NoGradGuard no_grad;
      (void)constraint(v.value());
    } catch (const ValueError& e) {
      throw ValueError(cat("Layer \"", name_, "\" weight \"", name, "\": ", e.what()));
    }
  }
  weights_.push_back(v);
  created_trainable_.push_back(trainable);
  return v;
}

namespace {
thread_local LossScope* current_loss_scope = nullptr;
}  // namespace

LossScope::LossScope() : outer_(current_loss_scope) { current_loss_scope = this; }
LossScope::~LossScope() { current_loss_scope = outer_; }
LossScope* LossScope::current() { return current_loss_scope; }

void Layer::add_loss(const Tensor& loss) const {
  if (!loss.defined()) throw ValueError(cat("Layer \"", name_, "\": add_loss got an undefined tensor"));
  if (LossScope* scope = LossScope::current()) scope->add(loss.size() == 1 ? loss : ops::sum(loss));
}

TensorList Layer::regularization_losses() const {
  TensorList out;
  for (const auto& w : trainable_weights())
    if (w.regularizer()) out.push_back((*w.regularizer())(w.value()));
  return out;
}

void Layer::track_layer(std::shared_ptr<Layer> layer) { sublayers_.push_back(std::move(layer)); }

void Layer::track_weight(const Variable& weight) {
  if (!weight.defined()) throw ValueError(cat("Layer \"", name_, "\": cannot track an undefined weight"));
  weights_.push_back(weight);
  created_trainable_.push_back(weight.trainable());
}

void Layer::to(Device device) {
  device_ = device;
  for (auto& w : weights_) w.to(device);
  for (const auto& l : sublayers_) l->to(device);
}

std::vector<Variable> Layer::weights() const {
  std::vector<Variable> out = weights_;
  if (sublayers_.empty()) return out;
  std::unordered_set<const void*> seen;
  for (const auto& w : out) seen.insert(w.id());
  for (const auto& l : sublayers_)
    for (const auto& w : l->weights())
      if (seen.insert(w.id()).second) out.push_back(w);
  return out;
}

std::vector<Variable> Layer::trainable_weights() const {
  std::vector<Variable> out;
  for (const auto& w : weights())
    if (w.trainable()) out.push_back(w);
  return out;
}

std::vector<Variable> Layer::non_trainable_weights() const {
  std::vector<Variable> out;
  for (const auto& w : weights())
    if (!w.trainable()) out.push_back(w);
  return out;
}

std::vector<Tensor> Layer::get_weights() const {
  std::vector<Tensor> out;
  for (const auto& w : weights()) out.push_back(w.value().detach().clone());
  return out;
}

void Layer::set_weights(const std::vector<Tensor>& values) {
  const auto ws = weights();
  if (values.size() != ws.size())
    throw ValueError(cat("You called `set_weights(weights)` on layer \"", name_, "\" with a weight list of length ",
                         values.size(), ", but the layer was expecting ", ws.size(), " weights."));
  for (size_t i = 0; i < ws.size(); ++i)
    if (values[i].shape() != ws[i].shape())
      throw ValueError(cat("Layer ", name_, " weight shape ", ws[i].shape().to_string(),
                           " is not compatible with provided weight shape ", values[i].shape().to_string(), "."));
  for (size_t i = 0; i < ws.size(); ++i) Variable(ws[i]).assign(values[i]);
}

int64_t Layer::count_params() const {
  int64_t n = 0;
  for (const auto& w : weights()) n += w.shape().num_elements();
  return n;
}

}  // namespace keras::layers
