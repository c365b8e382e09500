// Model structure and compile(); the training loops live in src/trainers/.
#include "keras/models/model.h"

#include <iostream>
#include <sstream>

namespace keras::models {

using keras::detail::cat;

Model::Model(std::string class_name, const layers::LayerArgs& args) : Layer(std::move(class_name), args) {}

void Model::compile(optimizers::OptimizerRef optimizer, losses::Loss loss, std::vector<metrics::MetricRef> metrics) {
  compile(CompileOptions{std::move(optimizer), std::move(loss), std::move(metrics)});
}

void Model::compile(CompileOptions options) {
  optimizer_ = options.optimizer.ptr();
  if (!optimizer_) throw ValueError("compile: optimizer must not be null");
  loss_ = std::move(options.loss);
  metrics_.clear();
  for (const auto& m : options.metrics) {
    if (!m.ptr()) throw ValueError("compile: a metric is null");
    metrics_.push_back(m.ptr());
  }
  compiled_ = true;
}

std::shared_ptr<layers::Layer> Model::get_layer(const std::string& name) const {
  for (const auto& l : layers())
    if (l->name() == name) return l;
  std::string known;
  for (const auto& l : layers()) known += (known.empty() ? "" : ", ") + l->name();
  throw ValueError(cat("No such layer: ", name, ". Existing layers are: [", known, "]."));
}

}  // namespace keras::models
