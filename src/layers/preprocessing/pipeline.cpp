#include "keras/layers/preprocessing/pipeline.h"

#include <map>

#include "keras/layers/layer_config.h"
#include "keras/layers/registry.h"

namespace keras::layers {

using keras::detail::cat;

Pipeline::Pipeline(const std::vector<LayerHandle>& layers, PipelineOptions o)
    : Concrete("Pipeline", LayerArgs{.name = o.name}) {
  for (size_t i = 0; i < layers.size(); ++i) {
    if (!layers[i].ptr()) fail(cat("Pipeline: `layers` entry ", i, " is not a layer"));
    layers_.push_back(layers[i].ptr());
    track_layer(layers_.back());
  }
}

void Pipeline::build(const Shape& input_shape) {
  Shape shape = input_shape;
  for (const auto& layer : layers_) {
    if (!layer->built()) layer->build_for({shape});
    shape = layer->compute_output_shape(std::vector<Shape>{shape}).at(0);
  }
}

Tensor Pipeline::call(const Tensor& x, const CallContext& ctx) {
  Tensor y = x;
  for (const auto& layer : layers_) y = (*layer)(TensorList{y}, CallContext{ctx.training}).at(0);
  return y;
}

Shape Pipeline::compute_output_shape(const Shape& input_shape) {
  Shape shape = input_shape;
  for (const auto& layer : layers_) shape = layer->compute_output_shape(std::vector<Shape>{shape}).at(0);
  return shape;
}

Config Pipeline::get_config() const {
  Config list = Config::array();
  for (size_t i = 0; i < layers_.size(); ++i) {
    Config entry = serialize(*layers_[i]);
    if (i < read_build_configs_.size() && !read_build_configs_[i].is_null() && entry.contains("build_config")) {
      // The same shape up to the batch size: keep the batch Keras wrote.
      Config read = read_build_configs_[i];
      if (read.contains("input_shape") && read["input_shape"].is_array() && !read["input_shape"].empty() &&
          read["input_shape"][0].is_number()) {
        Config batchless = read;
        batchless["input_shape"][0] = nullptr;
        if (batchless == entry["build_config"]) entry["build_config"] = read;
      }
    }
    list.push_back(entry);
  }
  Config c = Config::object();
  c["layers"] = list;
  c["name"] = name();
  return c;
}

std::shared_ptr<Layer> Pipeline::from_config(const Config& config) {
  const ConfigReader r(config);
  const Config* list = r.find("layers");
  if (!list || !list->is_array())
    r.fail("`Pipeline` config must contain a `layers` key mapping to a list of serialized layers");
  std::vector<LayerHandle> layers;
  std::vector<Config> build_configs;
  for (const auto& entry : *list) {
    layers.emplace_back(deserialize(entry));
    build_configs.push_back(entry.is_object() && entry.contains("build_config") ? entry["build_config"] : Config());
  }
  auto pipeline = std::make_shared<Pipeline>(layers, PipelineOptions{.name = r.layer_args().name});
  pipeline->read_build_configs_ = std::move(build_configs);
  return pipeline;
}

std::vector<std::pair<std::string, std::shared_ptr<Layer>>> Pipeline::named_sublayers() const {
  // Keras saves a list attribute's layers under the list's name, each by its snake-cased
  // class with a per-class count: layers/rescaling, layers/center_crop, layers/dense_1.
  std::vector<std::pair<std::string, std::shared_ptr<Layer>>> out;
  std::map<std::string, int> counts;
  for (const auto& layer : layers_) {
    const std::string base = to_snake_case(layer->class_name());
    const int n = counts[base]++;
    out.emplace_back("layers/" + (n == 0 ? base : base + "_" + std::to_string(n)), layer);
  }
  return out;
}

}  // namespace keras::layers
