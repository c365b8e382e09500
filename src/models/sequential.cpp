#include "keras/models/sequential.h"

#include "keras/ops/core.h"

namespace keras::models {

using keras::detail::cat;

Sequential::Sequential(std::initializer_list<layers::LayerHandle> layers, std::string name)
    : Sequential(std::vector<layers::LayerHandle>(layers), std::move(name)) {}

Sequential::Sequential(const std::vector<layers::LayerHandle>& layers, std::string name)
    : Model("Sequential", layers::LayerArgs{.input_shape = {}, .name = name, .dtype = {}, .trainable = true}) {
  for (const auto& l : layers) add(l);
}

void Sequential::add(const layers::KerasTensor& input) {
  auto in = std::dynamic_pointer_cast<layers::InputLayer>(input.layer);
  if (!in) throw ValueError("Sequential.add: only keras::Input() tensors can be added; got a layer's output");
  add(layers::LayerHandle(in));
}

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
  track_layer(layer);
  output_shapes_.clear();
  maybe_build();
}

void Sequential::pop() {
  if (layers_.empty()) throw ValueError("There are no layers in the model.");
  layers_.pop_back();
  untrack_layers();
  for (const auto& l : layers_) track_layer(l);
  output_shapes_.clear();
  maybe_build();
}

void Sequential::maybe_build() {
  if (input_layer_ && !layers_.empty()) build(input_layer_->batch_shape());
}

void Sequential::build(const Shape& input_shape) {
  std::vector<Shape> shapes;
  Shape s = input_shape;
  if (input_layer_) layers::assert_input_compatibility(input_layer_->input_spec(), s, name());
  for (const auto& l : layers_) {
    l->build_for({s});
    s = l->compute_output_shape(std::vector<Shape>{s}).at(0);
    shapes.push_back(s);
  }
  output_shapes_ = std::move(shapes);
  if (!input_layer_) {
    input_layer_ = std::make_shared<layers::InputLayer>(layers::InputLayerOptions{
        .shape = input_shape.slice(1), .batch_size = {}, .batch_shape = {}, .dtype = DType::float32, .name = {}});
  }
  set_built();
}

std::optional<Shape> Sequential::input_shape() const {
  if (input_layer_) return input_layer_->batch_shape();
  return std::nullopt;
}

Tensor Sequential::call(const Tensor& x, const layers::CallContext& ctx) {
  Tensor y = x;
  for (const auto& l : layers_) y = (*l)(y, ctx.training);
  return y;
}

Shape Sequential::compute_output_shape(const Shape& input_shape) {
  Shape s = input_shape;
  for (const auto& l : layers_) s = l->compute_output_shape(std::vector<Shape>{s}).at(0);
  return s;
}

Tensor Sequential::standardize_input(const Tensor& x_in) {
  if (layers_.empty()) throw ValueError(cat("Sequential model \"", name(), "\" has no layers"));
  Tensor x = x_in;
  if (!output_shapes_.empty() && input_layer_) {
    // Keras fixes a rank off by one when the model's input ends in a size-1 axis:
    // (N, 28, 28) feeds a (None, 28, 28, 1) model.
    const Shape& want = input_layer_->batch_shape();
    if (x.rank() == want.rank() - 1 && want.back() == 1) x = ops::expand_dims(x, -1);
    else if (x.rank() == want.rank() + 1 && x.dim(-1) == 1) x = ops::squeeze(x, -1);
    layers::assert_input_compatibility(input_layer_->input_spec(), x.shape(), name());
  } else {
    Shape s = x.shape();
    s[0] = kNone;
    build(s);
  }
  const DType want = input_layer_ ? input_layer_->input_dtype() : DType::float32;
  if (x.dtype() != want) x = ops::cast(x, want);
  return x;
}

}  // namespace keras::models
