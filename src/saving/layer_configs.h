// Internal: the registry of layer config readers/writers and the helpers the layer and
// model config code share.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "keras/activations/activations.h"
#include "keras/initializers/initializers.h"
#include "keras/layers/layer.h"
#include "saving/json_utils.h"

namespace keras::saving {

struct LayerCodec {
  std::function<json(const layers::Layer&)> get_config;
  std::function<std::shared_ptr<layers::Layer>(const json& config)> from_config;
  std::string module = "keras.layers";
  std::string registered_name{};
  /// Keras writes a build_config only for layers that define build().
  bool writes_build_config = true;
};

std::map<std::string, LayerCodec>& layer_registry();
/// Each family's readers and writers (src/saving/configs/<family>.cpp).
void register_core_codecs(std::map<std::string, LayerCodec>& registry);
void register_convolutional_codecs(std::map<std::string, LayerCodec>& registry);
void register_pooling_codecs(std::map<std::string, LayerCodec>& registry);
void register_normalization_codecs(std::map<std::string, LayerCodec>& registry);
void register_regularization_codecs(std::map<std::string, LayerCodec>& registry);
void register_activation_codecs(std::map<std::string, LayerCodec>& registry);
void register_reshaping_codecs(std::map<std::string, LayerCodec>& registry);
void register_merging_codecs(std::map<std::string, LayerCodec>& registry);
void register_rnn_codecs(std::map<std::string, LayerCodec>& registry);
/// Sequential, Functional (and tf.keras's "Model").
void register_model_codecs(std::map<std::string, LayerCodec>& registry);

json dtype_policy_json(DType d);
json activation_json(const activations::Activation& a);
activations::Activation activation_from(const json* v, const std::string& ctx);
initializers::Initializer initializer_from(const json& v, const std::string& ctx);
/// Regularizers and constraints: null for none, else Keras's serialized object; read
/// from null, a name ("l2", "max_norm") or an object.
json regularizer_json(const regularizers::Regularizer& r);
regularizers::Regularizer regularizer_from(const json* v, const std::string& ctx);
json constraint_json(const constraints::Constraint& c);
constraints::Constraint constraint_from(const json* v, const std::string& ctx);
/// IOError when any of `keys` is set (a feature this library does not have yet).
void reject_unsupported(const json& config, std::initializer_list<const char*> keys, const std::string& ctx);

/// The layer as its concrete class (internal error otherwise).
template <class T>
const T& as(const layers::Layer& l) {
  const T* p = dynamic_cast<const T*>(&l);
  if (!p) throw RuntimeError(keras::detail::cat("internal: layer \"", l.name(), "\" is not a ", l.class_name()));
  return *p;
}

json base_config(const layers::Layer& l);
layers::LayerArgs layer_args(const json& config);
std::string layer_context(const json& config);
json initializer_json(const initializers::Initializer& init);

/// Fills the common tail of an options struct (input_shape, name, dtype, trainable).
template <class Options>
Options with_layer_args(Options o, const json& config) {
  const auto a = layer_args(config);
  o.input_shape = a.input_shape;
  o.name = a.name;
  o.dtype = a.dtype;
  o.trainable = a.trainable;
  return o;
}

}  // namespace keras::saving
