// The legacy Keras HDF5 model file (model.save("x.h5") in Keras 2 and 3): the model's
// config as a JSON string attribute, the weights under /model_weights/<layer name>.
#pragma once

#include <memory>
#include <string>

#include "keras/saving/saving.h"
#include "saving/hdf5/reader.h"
#include "saving/json_utils.h"

namespace keras::saving {

void save_legacy_h5(const models::Model& model, const std::string& path);
std::shared_ptr<models::Model> load_legacy_h5(const std::string& path, const LoadOptions& options);
/// model.load_weights() on a legacy .h5 file.
void load_legacy_weights(models::Model& model, const hdf5::File& file, const std::string& path);
/// load_weights(by_name=True): each model layer with weights from the file's group of
/// the same name (Keras's ImageNet files are read this way).
void load_legacy_weights_by_name(models::Model& model, const hdf5::File& file, const std::string& path,
                                 bool skip_mismatch);
/// An optimizer's get_config() as Keras writes it: a schedule's serialized object as its
/// learning_rate, a LossScaleOptimizer's inner optimizer nested (shared by both formats).
json optimizer_config_json(const optimizers::Optimizer& optimizer);
/// The optimizer a compile config names: a string, or a serialized object (with a nested
/// schedule, or a LossScaleOptimizer's inner optimizer). IOError naming `ctx` for a
/// malformed entry; `depth` counts the LossScaleOptimizers around it.
std::shared_ptr<optimizers::Optimizer> optimizer_from_json(const json& optimizer, const std::string& ctx,
                                                           int depth = 0);
/// A model's compile_config as Keras writes it ({} when never compiled).
json compile_config(const models::Model& model);
/// compile() from a Keras compile_config dict (shared with the .keras reader).
void apply_compile_config(models::Model& model, const json& config);
/// apply_compile_config, except that a config naming what this library cannot rebuild
/// (an optimizer, loss or metric it lacks, a form it does not read) leaves the model
/// uncompiled with a one-line warning on stderr, as Keras loads a model whose compile()
/// fails: training settings never stop a model from loading. Returns whether it compiled.
bool compile_or_warn(models::Model& model, const json& config, const std::string& path);

}  // namespace keras::saving
