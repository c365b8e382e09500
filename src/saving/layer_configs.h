// Internal: the registry of layer config readers/writers and the helpers the layer and
// model config code share.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

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
/// Adds Sequential, Functional (and tf.keras's "Model") to the registry.
void register_model_codecs(std::map<std::string, LayerCodec>& registry);

json dtype_policy_json(DType d);
json base_config(const layers::Layer& l);
layers::LayerArgs layer_args(const json& config);
std::string layer_context(const json& config);
json initializer_json(const initializers::Initializer& init);

}  // namespace keras::saving
