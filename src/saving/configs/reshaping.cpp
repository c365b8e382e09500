// Configs of the reshaping layers: Reshape, Permute, RepeatVector.
#include "keras/layers/reshaping/permute.h"
#include "keras/layers/reshaping/repeat_vector.h"
#include "keras/layers/reshaping/reshape.h"
#include "saving/layer_configs.h"

namespace keras::saving {

using layers::Layer;

namespace {

json reshape_config(const Layer& l) {
  json c = base_config(l);
  c["target_shape"] = as<layers::Reshape>(l).target_shape();
  return c;
}

std::shared_ptr<Layer> reshape_from(const json& c) {
  const std::string ctx = layer_context(c);
  return std::make_shared<layers::Reshape>(to_ints(need(c, "target_shape", ctx), ctx + " target_shape"),
                                           with_layer_args(layers::ReshapeOptions{}, c));
}

json permute_config(const Layer& l) {
  json c = base_config(l);
  c["dims"] = as<layers::Permute>(l).dims();
  return c;
}

std::shared_ptr<Layer> permute_from(const json& c) {
  const std::string ctx = layer_context(c);
  return std::make_shared<layers::Permute>(to_ints(need(c, "dims", ctx), ctx + " dims"),
                                           with_layer_args(layers::PermuteOptions{}, c));
}

json repeat_vector_config(const Layer& l) {
  json c = base_config(l);
  c["n"] = as<layers::RepeatVector>(l).n();
  return c;
}

std::shared_ptr<Layer> repeat_vector_from(const json& c) {
  const std::string ctx = layer_context(c);
  return std::make_shared<layers::RepeatVector>(to_int(need(c, "n", ctx), ctx + " n"),
                                                with_layer_args(layers::RepeatVectorOptions{}, c));
}

}  // namespace

void register_reshaping_codecs(std::map<std::string, LayerCodec>& m) {
  m["Reshape"] = {reshape_config, reshape_from, "keras.layers", "", false};
  m["Permute"] = {permute_config, permute_from};
  m["RepeatVector"] = {repeat_vector_config, repeat_vector_from};
}

}  // namespace keras::saving
