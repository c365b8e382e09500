// Keras's file formats, in both directions:
//   .keras      the Keras 3 archive: a zip of config.json, metadata.json, model.weights.h5
//   .h5         the legacy Keras HDF5 file (model_config attribute + model_weights group)
//   .weights.h5 weights only, laid out as inside a .keras archive
//
//   model.save("model.keras");
//   auto loaded = keras::models::load_model("model.keras");
//
// Loading never runs code: a Lambda layer loads only if the program registered a
// function under its name (register_function). Every size in a file is checked before
// memory is allocated, and a damaged or hostile file gives an IOError, not a crash.
// Saving writes a temporary file beside the target and renames it over the target.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "keras/models/model.h"
#include "keras/saving/registered_functions.h"

namespace keras::saving {

struct LoadOptions {
  /// Restore compile() from the file's compile_config.
  bool compile = true;
};

/// Loads a .keras archive or a legacy .h5 model (told apart by their contents).
std::shared_ptr<models::Model> load_model(const std::string& path, LoadOptions options = {});
/// Saves `model` as a .keras archive or, for a path ending in ".h5", a legacy .h5 file.
void save_model(const models::Model& model, const std::string& path);
void save_weights(const models::Model& model, const std::string& path);
struct LoadWeightsOptions {
  /// Legacy .h5 weights files (Keras 2's save_weights, Keras's ImageNet files): match the
  /// file's layer groups to the model's layers by name rather than by position. Layers
  /// the model lacks are ignored; a model layer with weights the file lacks is an error.
  bool by_name = false;
  /// With by_name: skip layers whose weight count or shapes differ instead of failing.
  bool skip_mismatch = false;
};
void load_weights(models::Model& model, const std::string& path, LoadWeightsOptions options = {});

// ---- configs (Keras's get_config / from_config)
/// {"module", "class_name", "config", "registered_name", "build_config"} for a layer.
nlohmann::ordered_json serialize_layer(const layers::Layer& layer);
/// The config.json save_model writes for a model: serialize_layer's entry with the
/// model's build_config and compile_config, and Keras's shared_object_id marks.
nlohmann::ordered_json model_config(const models::Model& model);
/// The layer a serialized entry describes (built when it carries a build_config).
std::shared_ptr<layers::Layer> deserialize_layer(const nlohmann::ordered_json& entry);
/// Just the "config" dict.
nlohmann::ordered_json get_config(const layers::Layer& layer);


/// Whether layers of this Keras class name can be loaded.
bool is_known_layer_class(const std::string& class_name);

/// Makes a user layer class loadable: `from_config` builds it from its config dict and
/// `get_config` writes that dict (without name/trainable/dtype, which are added). A class
/// that overrides Layer::get_config can use layers::register_class (layers/registry.h).
void register_layer_class(const std::string& class_name,
                          std::function<std::shared_ptr<layers::Layer>(const nlohmann::ordered_json& config)> from_config,
                          std::function<nlohmann::ordered_json(const layers::Layer&)> get_config);

}  // namespace keras::saving

namespace keras::models {
using saving::load_model;
}  // namespace keras::models
