#include "keras/applications/application_layers.h"

#include "keras/initializers/initializers.h"
#include "keras/layers/layer_config.h"
#include "keras/ops/math.h"

namespace keras::applications {

using layers::ConfigReader;
using layers::LayerArgs;

CustomScaleLayer::CustomScaleLayer(double scale, LayerArgs o) : Concrete("CustomScaleLayer", o), scale_(scale) {}

std::vector<Shape> CustomScaleLayer::compute_output_shape(const std::vector<Shape>& s) {
  if (s.size() != 2 || s[0] != s[1])
    fail(detail::cat("expects two inputs of the same shape (shortcut, branch); got ", s.size(), " input(s)",
                     s.size() == 2 ? " of shapes " + s[0].to_string() + " and " + s[1].to_string() : std::string()));
  return {s[0]};
}

TensorList CustomScaleLayer::call(const TensorList& inputs, const layers::CallContext&) {
  compute_output_shape({inputs.size() > 0 ? inputs[0].shape() : Shape{}, inputs.size() > 1 ? inputs[1].shape() : Shape{}});
  return {inputs[0] + inputs[1] * scale_};
}

Config CustomScaleLayer::get_config() const {
  Config c = Layer::get_config();
  c["scale"] = scale_;
  return c;
}

std::shared_ptr<layers::Layer> CustomScaleLayer::from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<CustomScaleLayer>(r.required<double>("scale"), r.options<LayerArgs>());
}

LayerScale::LayerScale(double init_values, int64_t projection_dim, LayerArgs o)
    : Concrete("LayerScale", o), init_values_(init_values), projection_dim_(projection_dim) {
  if (projection_dim <= 0) fail(detail::cat("`projection_dim` must be a positive integer; got ", projection_dim));
}

void LayerScale::build(const Shape& input_shape) {
  if (input_shape.rank() == 0 || (input_shape.dim(-1) != kNone && input_shape.dim(-1) != projection_dim_))
    fail(detail::cat("`projection_dim` is ", projection_dim_, " but the input's last axis has shape ",
                     input_shape.to_string()));
  // Keras's add_weight gets no name here, so the variable takes Keras's automatic name,
  // "variable", "variable_1", ... numbered in the session (ConvNeXt's weight list:
  // ".../layer_scale/variable_1"); the attribute is `gamma`.
  gamma_ =
      add_weight(layers::unique_name("variable"), Shape{projection_dim_}, initializers::Constant(init_values_), true);
}

Tensor LayerScale::call(const Tensor& x, const layers::CallContext&) { return x * gamma_.value(); }

Config LayerScale::get_config() const {
  Config c = Layer::get_config();
  c["init_values"] = init_values_;
  c["projection_dim"] = projection_dim_;
  return c;
}

std::shared_ptr<layers::Layer> LayerScale::from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<LayerScale>(r.required<double>("init_values"), r.required<int64_t>("projection_dim"),
                                      r.options<LayerArgs>());
}

}  // namespace keras::applications
