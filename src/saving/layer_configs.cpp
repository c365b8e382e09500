// get_config / from_config for every built-in layer, matching the dicts Keras 3 writes
// (keys, order and value formats of keras/src/layers/**), and the registry from class
// name to layer. Keras 2 (tf.keras) configs are read too: "batch_input_shape", dtype
// strings, initializers without "module".
#include <map>
#include <mutex>

#include "keras/keras.h"
#include "keras/saving/saving.h"
#include "saving/json_utils.h"
#include "saving/layer_configs.h"

namespace keras::saving {

using keras::detail::cat;
using layers::Layer;

// ---- pieces shared by many configs

json dtype_policy_json(DType d) {
  return json{{"module", "keras"},
              {"class_name", "DTypePolicy"},
              {"config", {{"name", std::string(dtype_name(d))}}},
              {"registered_name", nullptr}};
}

json initializer_json(const initializers::Initializer& init) {
  return json{{"module", "keras.initializers"},
              {"class_name", init.class_name()},
              {"config", config_map_json(init.config())},
              {"registered_name", nullptr}};
}

initializers::Initializer initializer_from(const json& v, const std::string& ctx) {
  if (v.is_string()) return initializers::Initializer(v.get<std::string>());
  const std::string cls = to_string(need(v, "class_name", ctx), ctx + " class_name");
  const json* cfg = find(v, "config");
  return initializers::Initializer::from_config(cls, cfg ? to_config_map(*cfg, ctx) : ConfigMap{});
}

json activation_json(const activations::Activation& a) {
  if (a.is_linear() || a.is_builtin(a.name())) return a.name();
  // A custom function is saved by name, as Keras saves registered functions; loading
  // finds it only if the program registered it (nothing in a file ever runs as code).
  if (!find_function(a.name()))
    throw ValueError(cat("The custom activation \"", a.name(), "\" cannot be saved: register it first with "
                         "saving::register_function(\"", a.name(), "\", fn)"));
  return json{{"module", "builtins"}, {"class_name", "function"}, {"config", a.name()}, {"registered_name", a.name()}};
}

activations::Activation activation_from(const json* v, const std::string& ctx) {
  if (!v) return {};
  std::string name;
  if (v->is_string()) {
    name = v->get<std::string>();
  } else if (const json* cfg = find(*v, "config"); cfg && cfg->is_string()) {
    name = cfg->get<std::string>();
  } else {
    throw IOError(cat(ctx, ": cannot read activation ", v->dump().substr(0, 80)));
  }
  if (auto fn = find_function(name)) return activations::Activation(name, fn);
  return activations::Activation(name);
}

std::string layer_context(const json& config) {
  if (const json* n = find(config, "name"); n && n->is_string()) return "layer \"" + n->get<std::string>() + "\"";
  return "a layer";
}

layers::LayerArgs layer_args(const json& c) {
  const std::string ctx = layer_context(c);
  layers::LayerArgs a;
  if (const json* n = find(c, "name")) a.name = to_string(*n, ctx + " name");
  if (const json* t = find(c, "trainable")) a.trainable = to_bool(*t, ctx + " trainable");
  if (const json* d = find(c, "dtype")) {
    std::string name = d->is_string() ? d->get<std::string>()
                                      : to_string(need(need(*d, "config", ctx + " dtype"), "name", ctx + " dtype"), ctx);
    if (name == "mixed_float16" || name == "mixed_bfloat16") name = "float32";  // compute in float32 on CPU
    a.dtype = dtype_from_name(name);
  }
  // Keras 2 puts the model's input shape on the first layer.
  if (const json* b = find(c, "batch_input_shape")) a.input_shape = to_shape(*b, ctx + " batch_input_shape").slice(1);
  return a;
}

json base_config(const Layer& l) {
  return json{{"name", l.name()}, {"trainable", l.trainable()}, {"dtype", dtype_policy_json(l.dtype())}};
}

namespace {

template <class T>
const T& as(const Layer& l) {
  const T* p = dynamic_cast<const T*>(&l);
  if (!p) throw RuntimeError(cat("internal: layer \"", l.name(), "\" is not a ", l.class_name()));
  return *p;
}

json ints_json(const std::vector<int64_t>& v) { return json(v); }

// ---- core

json input_layer_config(const Layer& l) {
  const auto& in = as<layers::InputLayer>(l);
  return json{{"batch_shape", shape_json(in.batch_shape())},
              {"dtype", std::string(dtype_name(in.input_dtype()))},
              {"sparse", false},
              {"ragged", false},
              {"name", in.name()},
              {"optional", false}};
}

std::shared_ptr<Layer> input_layer_from(const json& c) {
  const std::string ctx = layer_context(c);
  layers::InputLayerOptions o;
  if (const json* b = find(c, "batch_shape")) o.batch_shape = to_shape(*b, ctx + " batch_shape");
  else if (const json* b2 = find(c, "batch_input_shape")) o.batch_shape = to_shape(*b2, ctx + " batch_input_shape");
  else throw IOError(cat(ctx, ": InputLayer without batch_shape"));
  if (const json* d = find(c, "dtype"))
    o.dtype = dtype_from_name(d->is_string() ? d->get<std::string>()
                                             : to_string(need(need(*d, "config", ctx), "name", ctx), ctx + " dtype"));
  if (const json* n = find(c, "name")) o.name = to_string(*n, ctx + " name");
  if (const json* s = find(c, "sparse"); s && to_bool(*s, ctx)) throw IOError(cat(ctx, ": sparse inputs are not supported"));
  return std::make_shared<layers::InputLayer>(o);
}

json dense_config(const Layer& l) {
  const auto& d = as<layers::Dense>(l);
  json c = base_config(l);
  c["units"] = d.units();
  c["activation"] = activation_json(d.options().activation);
  c["use_bias"] = d.options().use_bias;
  c["kernel_initializer"] = initializer_json(d.options().kernel_initializer);
  c["bias_initializer"] = initializer_json(d.options().bias_initializer);
  c["kernel_regularizer"] = nullptr;
  c["bias_regularizer"] = nullptr;
  c["kernel_constraint"] = nullptr;
  c["bias_constraint"] = nullptr;
  c["quantization_config"] = nullptr;
  return c;
}

void reject_unsupported(const json& c, std::initializer_list<const char*> keys, const std::string& ctx) {
  for (const char* k : keys)
    if (find(c, k))
      throw IOError(cat(ctx, ": \"", k, "\" is set, which this library does not support yet"));
}

std::shared_ptr<Layer> dense_from(const json& c) {
  const std::string ctx = layer_context(c);
  reject_unsupported(c, {"kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                         "bias_constraint", "quantization_config", "lora_rank"},
                     ctx);
  const auto a = layer_args(c);
  layers::DenseOptions o;
  o.activation = activation_from(find(c, "activation"), ctx);
  if (const json* b = find(c, "use_bias")) o.use_bias = to_bool(*b, ctx + " use_bias");
  if (const json* k = find(c, "kernel_initializer")) o.kernel_initializer = initializer_from(*k, ctx);
  if (const json* k = find(c, "bias_initializer")) o.bias_initializer = initializer_from(*k, ctx);
  o.input_shape = a.input_shape;
  o.name = a.name;
  o.dtype = a.dtype;
  o.trainable = a.trainable;
  return std::make_shared<layers::Dense>(to_int(need(c, "units", ctx), ctx + " units"), o);
}

json flatten_config(const Layer& l) {
  json c = base_config(l);
  c["data_format"] = "channels_last";
  return c;
}

std::shared_ptr<Layer> flatten_from(const json& c) {
  const std::string ctx = layer_context(c);
  const auto a = layer_args(c);
  layers::FlattenOptions o;
  if (const json* f = find(c, "data_format")) o.data_format = to_string(*f, ctx + " data_format");
  o.input_shape = a.input_shape;
  o.name = a.name;
  o.dtype = a.dtype;
  o.trainable = a.trainable;
  return std::make_shared<layers::Flatten>(o);
}

json activation_layer_config(const Layer& l) {
  json c = base_config(l);
  c["activation"] = activation_json(as<layers::Activation>(l).activation());
  return c;
}

std::shared_ptr<Layer> activation_layer_from(const json& c) {
  const auto a = layer_args(c);
  return std::make_shared<layers::Activation>(activation_from(&need(c, "activation", layer_context(c)), layer_context(c)),
                                              layers::ActivationOptions{a.input_shape, a.name, a.dtype, a.trainable});
}

json dropout_config(const Layer& l) {
  const auto& d = as<layers::Dropout>(l);
  json c = base_config(l);
  c["rate"] = d.rate();
  c["seed"] = d.options().seed ? json(*d.options().seed) : json(nullptr);
  c["noise_shape"] = d.options().noise_shape ? shape_json(*d.options().noise_shape) : json(nullptr);
  return c;
}

std::shared_ptr<Layer> dropout_from(const json& c) {
  const std::string ctx = layer_context(c);
  const auto a = layer_args(c);
  layers::DropoutOptions o;
  if (const json* s = find(c, "seed")) o.seed = static_cast<uint64_t>(to_int(*s, ctx + " seed"));
  if (const json* n = find(c, "noise_shape")) o.noise_shape = to_shape(*n, ctx + " noise_shape");
  o.input_shape = a.input_shape;
  o.name = a.name;
  o.dtype = a.dtype;
  o.trainable = a.trainable;
  return std::make_shared<layers::Dropout>(to_number(need(c, "rate", ctx), ctx + " rate"), o);
}

// ---- convolution and pooling

json conv_config(const Layer& l) {
  const auto& k = as<layers::BaseConv>(l).config();
  json c = base_config(l);
  c["filters"] = k.filters;
  c["kernel_size"] = ints_json(k.kernel_size);
  c["strides"] = ints_json(k.strides);
  c["padding"] = k.padding;
  c["data_format"] = k.data_format;
  c["dilation_rate"] = ints_json(k.dilation_rate);
  c["groups"] = k.groups;
  c["activation"] = activation_json(k.activation);
  c["use_bias"] = k.use_bias;
  c["kernel_initializer"] = initializer_json(k.kernel_initializer);
  c["bias_initializer"] = initializer_json(k.bias_initializer);
  c["kernel_regularizer"] = nullptr;
  c["bias_regularizer"] = nullptr;
  c["activity_regularizer"] = nullptr;
  c["kernel_constraint"] = nullptr;
  c["bias_constraint"] = nullptr;
  return c;
}

std::shared_ptr<Layer> conv2d_from(const json& c) {
  const std::string ctx = layer_context(c);
  reject_unsupported(c, {"kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                         "bias_constraint"},
                     ctx);
  const auto a = layer_args(c);
  layers::Conv2DOptions o;
  auto pair = [&](const char* key, layers::Size2& out) {
    if (const json* v = find(c, key)) {
      const auto t = to_int_tuple(*v, 2, ctx + " " + key);
      out = layers::Size2{t[0], t[1]};
    }
  };
  pair("strides", o.strides);
  pair("dilation_rate", o.dilation_rate);
  if (const json* p = find(c, "padding")) o.padding = to_string(*p, ctx + " padding");
  if (const json* f = find(c, "data_format")) o.data_format = to_string(*f, ctx + " data_format");
  if (const json* g = find(c, "groups")) o.groups = to_int(*g, ctx + " groups");
  o.activation = activation_from(find(c, "activation"), ctx);
  if (const json* b = find(c, "use_bias")) o.use_bias = to_bool(*b, ctx + " use_bias");
  if (const json* k = find(c, "kernel_initializer")) o.kernel_initializer = initializer_from(*k, ctx);
  if (const json* k = find(c, "bias_initializer")) o.bias_initializer = initializer_from(*k, ctx);
  o.input_shape = a.input_shape;
  o.name = a.name;
  o.dtype = a.dtype;
  o.trainable = a.trainable;
  const auto ks = to_int_tuple(need(c, "kernel_size", ctx), 2, ctx + " kernel_size");
  return std::make_shared<layers::Conv2D>(to_int(need(c, "filters", ctx), ctx + " filters"), layers::Size2{ks[0], ks[1]}, o);
}

json pooling_config(const Layer& l) {
  const auto& p = as<layers::BasePooling>(l).config();
  json c = base_config(l);
  c["pool_size"] = ints_json(p.pool_size);
  c["padding"] = p.padding;
  c["strides"] = ints_json(p.strides);
  c["data_format"] = p.data_format;
  return c;
}

std::shared_ptr<Layer> max_pooling2d_from(const json& c) {
  const std::string ctx = layer_context(c);
  const auto a = layer_args(c);
  layers::MaxPooling2DOptions o;
  if (const json* s = find(c, "strides")) {
    const auto t = to_int_tuple(*s, 2, ctx + " strides");
    o.strides = layers::Size2{t[0], t[1]};
  }
  if (const json* p = find(c, "padding")) o.padding = to_string(*p, ctx + " padding");
  if (const json* f = find(c, "data_format")) o.data_format = to_string(*f, ctx + " data_format");
  o.input_shape = a.input_shape;
  o.name = a.name;
  o.dtype = a.dtype;
  o.trainable = a.trainable;
  layers::Size2 pool = 2;
  if (const json* ps = find(c, "pool_size")) {
    const auto t = to_int_tuple(*ps, 2, ctx + " pool_size");
    pool = layers::Size2{t[0], t[1]};
  }
  return std::make_shared<layers::MaxPooling2D>(pool, o);
}

// ---- merging

json merge_config(const Layer& l) { return base_config(l); }

template <class M>
std::shared_ptr<Layer> merge_from(const json& c) {
  const auto a = layer_args(c);
  return std::make_shared<M>(layers::MergeOptions{a.name, a.dtype, a.trainable});
}

json concatenate_config(const Layer& l) {
  json c = base_config(l);
  c["axis"] = as<layers::Concatenate>(l).axis();
  return c;
}

std::shared_ptr<Layer> concatenate_from(const json& c) {
  const auto a = layer_args(c);
  int64_t axis = -1;
  if (const json* v = find(c, "axis")) axis = to_int(*v, layer_context(c) + " axis");
  return std::make_shared<layers::Concatenate>(axis, layers::MergeOptions{a.name, a.dtype, a.trainable});
}

}  // namespace

// ---- registered functions (custom activations, Lambda layers)

namespace {
std::mutex& functions_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, std::function<Tensor(const Tensor&)>>& functions() {
  static std::map<std::string, std::function<Tensor(const Tensor&)>> f;
  return f;
}
}  // namespace

void register_function(const std::string& name, std::function<Tensor(const Tensor&)> fn) {
  if (name.empty() || !fn) throw ValueError("register_function: a name and a function are required");
  std::lock_guard<std::mutex> lock(functions_mutex());
  functions()[name] = std::move(fn);
}

std::function<Tensor(const Tensor&)> find_function(const std::string& name) {
  std::lock_guard<std::mutex> lock(functions_mutex());
  auto it = functions().find(name);
  return it == functions().end() ? nullptr : it->second;
}

// ---- registry

std::map<std::string, LayerCodec>& layer_registry() {
  static std::map<std::string, LayerCodec> r = [] {
    std::map<std::string, LayerCodec> m;
    m["InputLayer"] = {input_layer_config, input_layer_from, "keras.layers"};
    m["Dense"] = {dense_config, dense_from, "keras.layers"};
    m["Flatten"] = {flatten_config, flatten_from, "keras.layers"};
    m["Activation"] = {activation_layer_config, activation_layer_from, "keras.layers", "", false};
    m["Dropout"] = {dropout_config, dropout_from, "keras.layers", "", false};
    m["Conv2D"] = {conv_config, conv2d_from, "keras.layers"};
    m["MaxPooling2D"] = {pooling_config, max_pooling2d_from, "keras.layers", "", false};
    m["Add"] = {merge_config, merge_from<layers::Add>, "keras.layers"};
    m["Subtract"] = {merge_config, merge_from<layers::Subtract>, "keras.layers"};
    m["Multiply"] = {merge_config, merge_from<layers::Multiply>, "keras.layers"};
    m["Average"] = {merge_config, merge_from<layers::Average>, "keras.layers"};
    m["Maximum"] = {merge_config, merge_from<layers::Maximum>, "keras.layers"};
    m["Minimum"] = {merge_config, merge_from<layers::Minimum>, "keras.layers"};
    m["Concatenate"] = {concatenate_config, concatenate_from, "keras.layers"};
    register_model_codecs(m);
    return m;
  }();
  return r;
}

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

void register_layer_class(const std::string& class_name, std::function<std::shared_ptr<Layer>(const json&)> from_config,
                          std::function<json(const Layer&)> get_config) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  auto& r = layer_registry();
  auto user_get = std::move(get_config);
  r[class_name] = {[user_get](const Layer& l) {
                     json c = base_config(l);
                     json extra = user_get(l);
                     for (auto it = extra.begin(); it != extra.end(); ++it) c[it.key()] = it.value();
                     return c;
                   },
                   std::move(from_config), "keras.layers"};
  r[class_name].registered_name = class_name;
}

bool is_known_layer_class(const std::string& class_name) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  return layer_registry().count(class_name) > 0;
}

json get_config(const Layer& layer) {
  const auto& r = layer_registry();
  auto it = r.find(layer.class_name());
  if (it == r.end())
    throw ValueError(cat("Layer \"", layer.name(), "\" of class ", layer.class_name(),
                         " has no config writer; register it with saving::register_layer_class"));
  return it->second.get_config(layer);
}

json serialize_layer(const Layer& layer) {
  const auto& r = layer_registry();
  auto it = r.find(layer.class_name());
  if (it == r.end()) get_config(layer);  // throws the message above
  json e;
  e["module"] = it->second.module;
  e["class_name"] = layer.class_name();
  e["config"] = it->second.get_config(layer);
  e["registered_name"] = it->second.registered_name.empty() ? json(nullptr) : json(it->second.registered_name);
  const auto& shapes = layer.build_input_shapes();
  if (layer.built() && !shapes.empty() && it->second.writes_build_config && layer.class_name() != "InputLayer") {
    json in = json::array();
    for (const auto& s : shapes) in.push_back(shape_json(s));
    e["build_config"] = {{"input_shape", shapes.size() == 1 ? in[0] : in}};
  }
  return e;
}

std::shared_ptr<Layer> deserialize_layer(const json& entry) {
  const std::string cls = to_string(need(entry, "class_name", "layer entry"), "layer class_name");
  const json& config = need(entry, "config", "layer entry for " + cls);
  LayerCodec codec;
  {
    std::lock_guard<std::mutex> lock(registry_mutex());
    const auto& r = layer_registry();
    auto it = r.find(cls);
    if (it == r.end()) {
      std::string known;
      for (const auto& [k, v] : r) known += (known.empty() ? "" : ", ") + k;
      throw ValueError(cat("Unknown layer class '", cls, "' (", layer_context(config),
                           "). This library knows: ", known));
    }
    codec = it->second;
  }
  std::shared_ptr<Layer> layer = codec.from_config(config);
  if (const json* build = find(entry, "build_config")) {
    if (const json* in = find(*build, "input_shape"); in && in->is_array() && !in->empty()) {
      std::vector<Shape> shapes;
      if ((*in)[0].is_array()) {
        if (in->size() > 1024) throw IOError(cat(layer_context(config), ": too many build input shapes"));
        for (const auto& s : *in) shapes.push_back(to_shape(s, layer_context(config) + " build_config"));
      } else {
        shapes.push_back(to_shape(*in, layer_context(config) + " build_config"));
      }
      if (!layer->built()) layer->build_for(shapes);
    }
  }
  return layer;
}

}  // namespace keras::saving
