// Internal: the configs of models (Sequential, Functional), written as Keras 3 writes
// them in config.json. Model::get_config and Sequential::get_config call these; the
// readers are registered with the layer classes (register_model_classes).
#pragma once

#include "keras/models/sequential.h"
#include "saving/json_utils.h"

namespace keras::saving {

json sequential_config(const models::Sequential& model);
json functional_config(const models::Model& model);
/// Registers Sequential, Functional (and tf.keras's "Model") with the layer registry.
void register_model_classes();

}  // namespace keras::saving
