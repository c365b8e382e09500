// Configs of the activation layers: ReLU, LeakyReLU, PReLU, Softmax.
#include "keras/layers/activations/leaky_relu.h"
#include "keras/layers/activations/prelu.h"
#include "keras/layers/activations/relu.h"
#include "keras/layers/activations/softmax.h"
#include "saving/layer_configs.h"

namespace keras::saving {

using layers::Layer;

namespace {

json relu_config(const Layer& l) {
  const auto& o = as<layers::ReLU>(l).options();
  json c = base_config(l);
  c["max_value"] = o.max_value ? json(*o.max_value) : json(nullptr);
  c["negative_slope"] = o.negative_slope;
  c["threshold"] = o.threshold;
  return c;
}

std::shared_ptr<Layer> relu_from(const json& c) {
  const std::string ctx = layer_context(c);
  layers::ReLUOptions o;
  if (const json* v = find(c, "max_value")) o.max_value = to_number(*v, ctx + " max_value");
  if (const json* v = find(c, "negative_slope")) o.negative_slope = to_number(*v, ctx + " negative_slope");
  if (const json* v = find(c, "threshold")) o.threshold = to_number(*v, ctx + " threshold");
  return std::make_shared<layers::ReLU>(with_layer_args(o, c));
}

json leaky_relu_config(const Layer& l) {
  json c = base_config(l);
  c["negative_slope"] = as<layers::LeakyReLU>(l).negative_slope();
  return c;
}

std::shared_ptr<Layer> leaky_relu_from(const json& c) {
  const std::string ctx = layer_context(c);
  layers::LeakyReLUOptions o;
  if (const json* v = find(c, "negative_slope")) o.negative_slope = to_number(*v, ctx + " negative_slope");
  else if (const json* a = find(c, "alpha")) o.negative_slope = to_number(*a, ctx + " alpha");  // the older name
  return std::make_shared<layers::LeakyReLU>(with_layer_args(o, c));
}

json prelu_config(const Layer& l) {
  const auto& o = as<layers::PReLU>(l).options();
  json c = base_config(l);
  c["alpha_initializer"] = initializer_json(o.alpha_initializer);
  c["alpha_regularizer"] = regularizer_json(o.alpha_regularizer);
  c["alpha_constraint"] = constraint_json(o.alpha_constraint);
  c["shared_axes"] = o.shared_axes.empty() ? json(nullptr) : json(o.shared_axes);
  return c;
}

std::shared_ptr<Layer> prelu_from(const json& c) {
  const std::string ctx = layer_context(c);
  layers::PReLUOptions o;
  if (const json* v = find(c, "alpha_initializer")) o.alpha_initializer = initializer_from(*v, ctx);
  o.alpha_regularizer = regularizer_from(find(c, "alpha_regularizer"), ctx + " alpha_regularizer");
  o.alpha_constraint = constraint_from(find(c, "alpha_constraint"), ctx + " alpha_constraint");
  if (const json* v = find(c, "shared_axes"))
    o.shared_axes = v->is_array() ? to_ints(*v, ctx + " shared_axes") : std::vector<int64_t>{to_int(*v, ctx)};
  return std::make_shared<layers::PReLU>(with_layer_args(o, c));
}

json softmax_config(const Layer& l) {
  json c = base_config(l);
  c["axis"] = as<layers::Softmax>(l).axis();
  return c;
}

std::shared_ptr<Layer> softmax_from(const json& c) {
  const std::string ctx = layer_context(c);
  layers::SoftmaxOptions o;
  if (const json* v = find(c, "axis")) {
    if (v->is_array()) {
      if (v->size() != 1) throw IOError(ctx + ": Softmax over several axes is not supported");
      o.axis = to_int((*v)[0], ctx + " axis");
    } else {
      o.axis = to_int(*v, ctx + " axis");
    }
  }
  return std::make_shared<layers::Softmax>(with_layer_args(o, c));
}

}  // namespace

void register_activation_codecs(std::map<std::string, LayerCodec>& m) {
  m["ReLU"] = {relu_config, relu_from, "keras.layers", "", false};
  m["LeakyReLU"] = {leaky_relu_config, leaky_relu_from, "keras.layers", "", false};
  m["PReLU"] = {prelu_config, prelu_from};
  m["Softmax"] = {softmax_config, softmax_from, "keras.layers", "", false};
}

}  // namespace keras::saving
