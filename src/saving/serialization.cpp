// saving.h's config functions (the layer registry itself lives in src/layers/registry.cpp)
// and the registry of named functions (custom activations, Lambda layers).
#include <map>
#include <mutex>

#include "keras/layers/layer_config.h"
#include "keras/layers/registry.h"
#include "keras/saving/saving.h"

namespace keras::saving {

using keras::detail::cat;

// ---- registered functions

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

// ---- layer configs

void register_layer_class(const std::string& class_name, std::function<std::shared_ptr<layers::Layer>(const Config&)> from_config,
                          std::function<Config(const layers::Layer&)> get_config) {
  if (!get_config) throw ValueError("register_layer_class: a config writer is required");
  layers::register_class(class_name, {.from_config = std::move(from_config),
                                      .registered_name = class_name,
                                      .get_config = [get_config](const layers::Layer& l) {
                                        Config c = l.Layer::get_config();
                                        const Config extra = get_config(l);
                                        for (auto it = extra.begin(); it != extra.end(); ++it) c[it.key()] = it.value();
                                        return c;
                                      }});
}

bool is_known_layer_class(const std::string& class_name) { return layers::is_registered(class_name); }
Config get_config(const layers::Layer& layer) { return layers::config_of(layer); }
Config serialize_layer(const layers::Layer& layer) { return layers::serialize(layer); }
std::shared_ptr<layers::Layer> deserialize_layer(const Config& entry) { return layers::deserialize(entry); }

}  // namespace keras::saving
