// Configs of the merging layers.
#include "keras/layers/merging/add.h"
#include "keras/layers/merging/average.h"
#include "keras/layers/merging/concatenate.h"
#include "keras/layers/merging/maximum.h"
#include "keras/layers/merging/minimum.h"
#include "keras/layers/merging/multiply.h"
#include "keras/layers/merging/subtract.h"
#include "saving/layer_configs.h"

namespace keras::saving {

using layers::Layer;

namespace {

json merge_config(const Layer& l) { return base_config(l); }

layers::MergeOptions merge_options(const json& c) {
  const auto a = layer_args(c);
  return layers::MergeOptions{a.name, a.dtype, a.trainable};
}

template <class M>
std::shared_ptr<Layer> merge_from(const json& c) {
  return std::make_shared<M>(merge_options(c));
}

json concatenate_config(const Layer& l) {
  json c = base_config(l);
  c["axis"] = as<layers::Concatenate>(l).axis();
  return c;
}

std::shared_ptr<Layer> concatenate_from(const json& c) {
  int64_t axis = -1;
  if (const json* v = find(c, "axis")) axis = to_int(*v, layer_context(c) + " axis");
  return std::make_shared<layers::Concatenate>(axis, merge_options(c));
}

}  // namespace

void register_merging_codecs(std::map<std::string, LayerCodec>& m) {
  m["Add"] = {merge_config, merge_from<layers::Add>};
  m["Subtract"] = {merge_config, merge_from<layers::Subtract>};
  m["Multiply"] = {merge_config, merge_from<layers::Multiply>};
  m["Average"] = {merge_config, merge_from<layers::Average>};
  m["Maximum"] = {merge_config, merge_from<layers::Maximum>};
  m["Minimum"] = {merge_config, merge_from<layers::Minimum>};
  m["Concatenate"] = {concatenate_config, concatenate_from};
}

}  // namespace keras::saving
