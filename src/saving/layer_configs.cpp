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

namespace {
/// A Keras object that is a small value (Regularizer, Constraint): null for none, else
/// {"module", "class_name", "config", "registered_name"}; read back from null, a name or
/// that object. ValueErrors from the object's own checks become IOErrors naming `ctx`.
template <class T>
json keras_object_json(const T& obj, const char* module) {
  if (!obj) return nullptr;
  return json{{"module", module},
              {"class_name", obj.class_name()},
              {"config", config_map_json(obj.config())},
              {"registered_name", nullptr}};
}

template <class T>
T keras_object_from(const json* v, const std::string& ctx) {
  if (!v || v->is_null()) return {};
  try {
    if (v->is_string()) return T(v->get<std::string>());
    const std::string cls = to_string(need(*v, "class_name", ctx), ctx + " class_name");
    const json* cfg = find(*v, "config");
    return T::from_config(cls, cfg ? to_config_map(*cfg, ctx) : ConfigMap{});
  } catch (const ValueError& e) {
    throw IOError(cat(ctx, ": ", e.what()));
  }
}
}  // namespace

json regularizer_json(const regularizers::Regularizer& r) { return keras_object_json(r, "keras.regularizers"); }
regularizers::Regularizer regularizer_from(const json* v, const std::string& ctx) {
  return keras_object_from<regularizers::Regularizer>(v, ctx);
}
json constraint_json(const constraints::Constraint& c) { return keras_object_json(c, "keras.constraints"); }
constraints::Constraint constraint_from(const json* v, const std::string& ctx) {
  return keras_object_from<constraints::Constraint>(v, ctx);
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

void reject_unsupported(const json& c, std::initializer_list<const char*> keys, const std::string& ctx) {
  for (const char* k : keys)
    if (find(c, k)) throw IOError(cat(ctx, ": \"", k, "\" is set, which this library does not support yet"));
}

json base_config(const Layer& l) {
  json c{{"name", l.name()}, {"trainable", l.trainable()}, {"dtype", dtype_policy_json(l.dtype())}};
  // Keras's Layer.get_config writes the activity regularizer only when there is one.
  if (l.activity_regularizer()) c["activity_regularizer"] = regularizer_json(l.activity_regularizer());
  return c;
}


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
    register_core_codecs(m);
    register_convolutional_codecs(m);
    register_pooling_codecs(m);
    register_normalization_codecs(m);
    register_regularization_codecs(m);
    register_activation_codecs(m);
    register_reshaping_codecs(m);
    register_merging_codecs(m);
    register_rnn_codecs(m);
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
  // Every Keras layer takes activity_regularizer (ActivityRegularization makes its own).
  if (const json* ar = find(config, "activity_regularizer"); ar && !ar->is_null() && cls != "ActivityRegularization")
    layer->set_activity_regularizer(regularizer_from(ar, layer_context(config) + " activity_regularizer"));
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
