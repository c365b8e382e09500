#include "keras/models/sequential.h"
#include "saving/model_configs.h"

namespace keras::models {

using keras::detail::cat;

Sequential::Sequential(std::initializer_list<layers::LayerHandle> layers, std::string name)
    : Sequential(std::vector<layers::LayerHandle>(layers), std::move(name)) {}

Sequential::Sequential(const std::vector<layers::LayerHandle>& layers, std::string name)
    : Concrete("Sequential", layers::LayerArgs{.input_shape = {}, .name = name, .dtype = {}, .trainable = true}) {
  for (const auto& l : layers) add(l);
}

void Sequential::add(const layers::KerasTensor& input) { add(layers::LayerHandle(input)); }

void Sequential::add(layers::LayerHandle handle) {
  auto layer = handle.ptr();
  if (!layer) throw ValueError("Sequential.add: the layer is null");
  if (auto in = std::dynamic_pointer_cast<layers::InputLayer>(layer)) {
    if (input_layer_ || !layers_.empty())
      throw ValueError("Sequential: an Input/InputLayer can only be the first entry of the model");
    input_layer_ = in;
    maybe_build();
    return;
  }
  if (layer.get() == this) throw ValueError("Sequential.add: a model cannot contain itself");
  for (const auto& l : layers_)
    if (l->name() == layer->name())
      throw ValueError(cat("All layers added to a Sequential model should have unique names. Name \"", layer->name(),
                           "\" is already the name of a layer in this model. Update the `name` argument to pass a "
                           "unique name."));
  if (layers_.empty() && !input_layer_ && layer->declared_input_shape()) {
    input_layer_ = std::make_shared<layers::InputLayer>(layers::InputLayerOptions{
        .shape = *layer->declared_input_shape(), .batch_size = {}, .batch_shape = {}, .dtype = DType::float32,
        .name = {}});
  }
  layers_.push_back(layer);
  if (!input_layer_) track_layer(layer);  // until the graph exists, weights are tracked directly
  maybe_build();
}

void Sequential::pop() {
  if (layers_.empty()) throw ValueError("There are no layers in the model.");
  layers_.pop_back();
  untrack_layers();
  for (const auto& l : layers_) track_layer(l);
  maybe_build();
}

void Sequential::maybe_build() {
  if (!input_layer_ || layers_.empty()) return;
  // The first build goes through build_for, so the input's shape is recorded: Keras writes
  // it as the build_config of a Sequential nested in another model.
  if (built()) build(input_layer_->batch_shape());
  else build_for({input_layer_->batch_shape()});
}

void Sequential::build(const Shape& input_shape_in) {
  Shape input_shape = input_shape_in;
  if (input_shape.rank() > 0) input_shape[0] = kNone;  // any batch size
  if (!input_layer_)
    input_layer_ = std::make_shared<layers::InputLayer>(layers::InputLayerOptions{
        .shape = {}, .batch_size = {}, .batch_shape = input_shape, .dtype = DType::float32, .name = {}});
  else
    layers::assert_input_compatibility(input_layer_->input_spec(), input_shape, name());
  if (layers_.empty()) return;
  const layers::KerasTensor input = input_layer_->output();
  layers::KerasTensors x = input;
  for (const auto& l : layers_) {
    x = Layer::call_symbolic(l, x);
    if (x.size() != 1)
      throw ValueError(cat("All layers in a Sequential model should have a single output tensor; layer \"", l->name(),
                           "\" has ", x.size(), ". For multi-output layers, use the functional API."));
  }
  init_graph(input, x);
}

std::optional<Shape> Sequential::input_shape() const {
  if (input_layer_) return input_layer_->batch_shape();
  return std::nullopt;
}

std::vector<Shape> Sequential::layer_output_shapes() const {
  std::vector<Shape> out;
  if (!has_graph()) return out;
  // Each layer's call in this model's graph (alive while the model holds its outputs).
  for (const auto& l : layers_)
    for (const auto& [layer, index] : graph_nodes())
      if (layer == l) {
        out.push_back(l->inbound_nodes().at(static_cast<size_t>(index))->output_shapes.at(0));
        break;
      }
  return out;
}

TensorList Sequential::standardize_inputs(const TensorList& x) {
  if (layers_.empty()) throw ValueError(cat("Sequential model \"", name(), "\" has no layers"));
  if (!has_graph()) {
    if (x.size() != 1 || !x[0].defined() || x[0].rank() == 0)
      throw ValueError(cat("Sequential model \"", name(), "\" expects one input tensor with a batch dimension"));
    Shape s = x[0].shape();
    s[0] = kNone;
    build(s);
  }
  return Model::standardize_inputs(x);
}

Config Sequential::get_config() const { return saving::sequential_config(*this); }

}  // namespace keras::models
