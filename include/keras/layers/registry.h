// The registry from Keras class names to layer classes (Keras's serialization_lib with
// register_keras_serializable). Every built-in layer has one line in
// src/layers/registry.cpp; programs register their own classes here too:
//
//   class Scale : public layers::Concrete<Scale> { ... Config get_config() const override; ... };
//   layers::register_class<Scale>("Scale");   // uses Scale::from_config, or Scale(ScaleOptions)
//
// Loading a file looks every class name up here; nothing in a file ever runs as code.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "keras/layers/layer.h"
#include "keras/layers/layer_config.h"

namespace keras::layers {

using FromConfig = std::function<std::shared_ptr<Layer>(const Config& config)>;

struct LayerClass {
  FromConfig from_config{};
  /// Keras's "module" and "registered_name" of the serialized entry.
  std::string module = "keras.layers";
  std::string registered_name{};
  /// Keras writes a build_config only for layers that define build().
  bool build_config = true;
  /// Writes the config instead of Layer::get_config (classes registered with a writer function).
  std::function<Config(const Layer&)> get_config{};
};

/// Registers (or replaces) a class. Thread-safe.
void register_class(const std::string& class_name, LayerClass info);

/// Registers L with L::from_config, or, for a layer constructed from its options alone,
/// a reader of L::Options.
template <class L>
void register_class(const std::string& class_name, LayerClass info = {}) {
  if constexpr (requires(const Config& c) { L::from_config(c); }) {
    info.from_config = [](const Config& c) -> std::shared_ptr<Layer> { return L::from_config(c); };
  } else {
    info.from_config = [](const Config& c) -> std::shared_ptr<Layer> {
      return std::make_shared<L>(ConfigReader(c).options<typename L::Options>());
    };
  }
  register_class(class_name, std::move(info));
}

/// Whether layers of this Keras class name can be loaded.
bool is_registered(const std::string& class_name);

/// {"module", "class_name", "config", "registered_name", "build_config"} for a layer.
Config serialize(const Layer& layer);
/// The layer a serialized entry describes (built when it carries a build_config).
std::shared_ptr<Layer> deserialize(const Config& entry);
/// The config dict alone, as the registry writes it.
Config config_of(const Layer& layer);

}  // namespace keras::layers
