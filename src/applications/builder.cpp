#include "applications/builder.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "keras/layers/core/dense.h"
#include "keras/layers/core/input_layer.h"
#include "keras/layers/pooling/global_average_pooling2d.h"
#include "keras/layers/pooling/global_max_pooling2d.h"
#include "keras/saving/saving.h"

namespace keras::applications::detail {

using keras::detail::cat;
using layers::KerasTensor;

void check_weights(const ApplicationOptions& o, const std::string& model) {
  if (!o.weights.empty() && o.weights != "imagenet" && !std::filesystem::exists(o.weights))
    throw ValueError(cat(model,
                         ": the `weights` argument should be either \"\" (random initialization), 'imagenet' "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded. Received: "
                         "weights=",
                         o.weights));
  if (o.weights == "imagenet" && o.include_top && o.classes != 1000)
    throw ValueError(cat(model,
                         ": if using `weights='imagenet'` with `include_top=True`, `classes` should be 1000. "
                         "Received classes=",
                         o.classes));
  if (o.pooling != "" && o.pooling != "avg" && o.pooling != "max")
    throw ValueError(cat(model, ": `pooling` should be \"\", \"avg\" or \"max\". Received: pooling=", o.pooling));
  if (o.classes <= 0) throw ValueError(cat(model, ": `classes` should be positive. Received: classes=", o.classes));
}

Shape input_shape(const ApplicationOptions& o, int64_t default_size, int64_t min_size, bool require_flatten) {
  // As in Keras, a given input_tensor does not inform the shape: the tensor is used as it is.
  return imagenet_utils::obtain_input_shape(o.input_shape, default_size, min_size, "channels_last", require_flatten,
                                            o.weights);
}

KerasTensor image_input(const ApplicationOptions& o, const Shape& shape) {
  if (!o.input_tensor) return Input(shape);
  if (o.input_tensor->shape.rank() != 4)
    throw ValueError(
        cat("input_tensor should be a batch of images (rank 4), got shape ", o.input_tensor->shape.to_string()));
  return *o.input_tensor;
}

std::string classifier_activation(const ApplicationOptions& o) {
  return o.classifier_activation.empty() ? "linear" : o.classifier_activation;
}

KerasTensor pooled_top(const KerasTensor& x, const ApplicationOptions& o) {
  if (o.include_top) {
    auto y = layers::GlobalAveragePooling2D({.name = "avg_pool"})(x);
    imagenet_utils::validate_activation(o.classifier_activation, o.weights);
    return layers::Dense(o.classes, classifier_activation(o), {.name = "predictions"})(y);
  }
  if (o.pooling == "avg") return layers::GlobalAveragePooling2D({.name = "avg_pool"})(x);
  if (o.pooling == "max") return layers::GlobalMaxPooling2D({.name = "max_pool"})(x);
  return x;
}

KerasTensor unnamed_pooling(const KerasTensor& x, const std::string& pooling) {
  if (pooling == "avg") return layers::GlobalAveragePooling2D()(x);
  if (pooling == "max") return layers::GlobalMaxPooling2D()(x);
  return x;
}

namespace {

/// operation_utils.get_source_inputs: the Input tensors a tensor is computed from.
void source_inputs(const KerasTensor& t, layers::KerasTensors& out, std::set<const layers::Node*>& seen) {
  if (!t.node || !seen.insert(t.node.get()).second) return;
  if (t.node->is_input()) {
    out.push_back(t);
    return;
  }
  for (const auto& in : t.node->inputs) source_inputs(in, out, seen);
}

/// Keras's cache directory for downloads: $KERAS_HOME, else ~/.keras.
std::filesystem::path keras_cache_dir() {
  if (const char* home = std::getenv("KERAS_HOME"); home && *home) return home;
  if (const char* home = std::getenv("HOME"); home && *home) return std::filesystem::path(home) / ".keras";
  return std::filesystem::temp_directory_path() / ".keras";
}

}  // namespace

std::shared_ptr<models::Model> finish(const ApplicationOptions& o, const KerasTensor& img_input, const KerasTensor& x,
                                      const std::string& default_name, const ImagenetFiles& files) {
  layers::KerasTensors inputs;
  if (o.input_tensor) {
    std::set<const layers::Node*> seen;
    source_inputs(img_input, inputs, seen);
  } else {
    inputs = img_input;
  }
  auto model = std::make_shared<models::Model>(inputs, x, o.name.empty() ? default_name : o.name);
  std::string path = o.weights;
  if (o.weights == "imagenet") {
    const std::string file = o.include_top ? files.top_file : files.notop_file;
    if (file.empty())
      throw ValueError(cat(default_name, ": Keras has no ImageNet weights ", o.include_top ? "with" : "without",
                           " the classifier top for this model"));
    path = (keras_cache_dir() / "models" / file).string();
    if (!std::filesystem::exists(path))
      throw ValueError(cat(default_name,
                           ": weights=\"imagenet\" reads Keras's ImageNet file from Keras's download cache, ", "and ",
                           path, " does not exist. This library downloads nothing: fetch ", files.base_url, file,
                           " to that path (or pass the path of a copy as `weights`)"));
  }
  // Keras's ImageNet files (legacy .h5) by layer name; Keras 3 weights files by structure.
  const bool keras3 = path.ends_with(".weights.h5") || path.ends_with(".keras");
  if (!path.empty()) saving::load_weights(*model, path, {.by_name = !keras3, .skip_mismatch = false});
  return model;
}

}  // namespace keras::applications::detail

namespace keras::applications::detail {

std::string python_float(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, end);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string fixed2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string python_size(int64_t v) { return v == kNone ? "None" : std::to_string(v); }

}  // namespace keras::applications::detail
