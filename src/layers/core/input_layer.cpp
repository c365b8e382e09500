#include "keras/layers/core/input_layer.h"
#include "keras/layers/layer_config.h"

namespace keras::layers {

using keras::detail::cat;

InputLayer::InputLayer(InputLayerOptions o)
    : Concrete("InputLayer", LayerArgs{.input_shape = {}, .name = o.name, .dtype = DType::float32, .trainable = true}),
      input_dtype_(o.dtype) {
  if (o.batch_shape) {
    if (o.shape || o.batch_size)
      fail("InputLayer: give either batch_shape, or shape (and batch_size), not both");
    batch_shape_ = *o.batch_shape;
  } else if (o.shape) {
    batch_shape_ = o.shape->with_batch(o.batch_size.value_or(kNone));
  } else {
    fail("InputLayer: a shape (or batch_shape) is required");
  }
  for (int64_t d : batch_shape_)
    if (d < 0 && d != kNone) fail(cat("InputLayer: invalid shape ", batch_shape_.to_string()));
  input_spec_.shape = batch_shape_;
  set_built();  // nothing to build, as in Keras
}

Tensor InputLayer::call(const Tensor& x, const CallContext&) { return x; }
Shape InputLayer::compute_output_shape(const Shape&) { return batch_shape_; }

KerasTensor InputLayer::output() {
  if (!own_node_) {
    if (!inbound_nodes().empty())
      throw ValueError(cat("InputLayer \"", name(), "\" was called on other tensors before giving its own output"));
    own_node_ = std::make_shared<Node>();
    own_node_->output_shapes = {batch_shape_};
    own_node_->output_dtypes = {input_dtype_};
    add_inbound_node(own_node_);
  }
  return KerasTensor{batch_shape_, input_dtype_, shared_from_this(), 0, 0, own_node_};
}

Config InputLayer::get_config() const {
  return Config{{"batch_shape", config_value(batch_shape_)},
                {"dtype", std::string(dtype_name(input_dtype_))},
                {"sparse", false},
                {"ragged", false},
                {"name", name()},
                {"optional", false}};
}

std::shared_ptr<Layer> InputLayer::from_config(const Config& config) {
  ConfigReader r(config);
  InputLayerOptions o;
  if (const Config* b = r.find("batch_shape"); b && !b->is_null()) read_config_value(*b, r.what("batch_shape"), o.batch_shape);
  else if (const Config* b2 = r.find("batch_input_shape"); b2 && !b2->is_null())
    read_config_value(*b2, r.what("batch_input_shape"), o.batch_shape);
  else r.fail("InputLayer without batch_shape");
  if (const Config* d = r.find("dtype"); d && !d->is_null()) {
    std::string name;
    if (d->is_string()) name = d->get<std::string>();
    else if (d->is_object() && d->contains("config") && (*d)["config"].is_object() && (*d)["config"].contains("name"))
      read_config_value((*d)["config"]["name"], r.what("dtype"), name);
    else r.fail("cannot read dtype");
    o.dtype = dtype_from_name(name);
  }
  o.name = r.get<std::string>("name", "");
  if (r.get<bool>("sparse", false)) r.fail("sparse inputs are not supported");
  return std::make_shared<InputLayer>(o);
}

}  // namespace keras::layers

namespace keras {

layers::KerasTensor Input(const Shape& shape, InputOptions options) {
  auto layer = std::make_shared<layers::InputLayer>(layers::InputLayerOptions{
      .shape = shape, .batch_size = options.batch_size, .batch_shape = {}, .dtype = options.dtype,
      .name = options.name});
  return layer->output();
}

}  // namespace keras
