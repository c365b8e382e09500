// Configs of the normalization layers.
#include "keras/layers/normalization/batch_normalization.h"
#include "saving/layer_configs.h"

namespace keras::saving {

using layers::Layer;

namespace {

json batch_norm_config(const Layer& l) {
  const auto& o = as<layers::BatchNormalization>(l).options();
  json c = base_config(l);
  c["axis"] = o.axis;
  c["momentum"] = o.momentum;
  c["epsilon"] = o.epsilon;
  c["center"] = o.center;
  c["scale"] = o.scale;
  c["beta_initializer"] = initializer_json(o.beta_initializer);
  c["gamma_initializer"] = initializer_json(o.gamma_initializer);
  c["moving_mean_initializer"] = initializer_json(o.moving_mean_initializer);
  c["moving_variance_initializer"] = initializer_json(o.moving_variance_initializer);
  c["beta_regularizer"] = regularizer_json(o.beta_regularizer);
  c["gamma_regularizer"] = regularizer_json(o.gamma_regularizer);
  c["beta_constraint"] = constraint_json(o.beta_constraint);
  c["gamma_constraint"] = constraint_json(o.gamma_constraint);
  c["synchronized"] = false;
  c["renorm"] = false;
  c["renorm_clipping"] = nullptr;
  c["renorm_momentum"] = 0.99;
  return c;
}

std::shared_ptr<Layer> batch_norm_from(const json& c) {
  const std::string ctx = layer_context(c);
  reject_unsupported(c, {"renorm_clipping"}, ctx);
  if (const json* r = find(c, "renorm"); r && to_bool(*r, ctx)) throw IOError(ctx + ": renorm is not supported");
  layers::BatchNormalizationOptions o;
  if (const json* a = find(c, "axis")) {
    if (a->is_array()) {
      if (a->size() != 1) throw IOError(ctx + ": BatchNormalization over several axes is not supported");
      o.axis = to_int((*a)[0], ctx + " axis");
    } else {
      o.axis = to_int(*a, ctx + " axis");
    }
  }
  if (const json* v = find(c, "momentum")) o.momentum = to_number(*v, ctx + " momentum");
  if (const json* v = find(c, "epsilon")) o.epsilon = to_number(*v, ctx + " epsilon");
  if (const json* v = find(c, "center")) o.center = to_bool(*v, ctx + " center");
  o.beta_regularizer = regularizer_from(find(c, "beta_regularizer"), ctx + " beta_regularizer");
  o.gamma_regularizer = regularizer_from(find(c, "gamma_regularizer"), ctx + " gamma_regularizer");
  o.beta_constraint = constraint_from(find(c, "beta_constraint"), ctx + " beta_constraint");
  o.gamma_constraint = constraint_from(find(c, "gamma_constraint"), ctx + " gamma_constraint");
  if (const json* v = find(c, "scale")) o.scale = to_bool(*v, ctx + " scale");
  if (const json* v = find(c, "beta_initializer")) o.beta_initializer = initializer_from(*v, ctx);
  if (const json* v = find(c, "gamma_initializer")) o.gamma_initializer = initializer_from(*v, ctx);
  if (const json* v = find(c, "moving_mean_initializer")) o.moving_mean_initializer = initializer_from(*v, ctx);
  if (const json* v = find(c, "moving_variance_initializer")) o.moving_variance_initializer = initializer_from(*v, ctx);
  return std::make_shared<layers::BatchNormalization>(with_layer_args(o, c));
}

}  // namespace

void register_normalization_codecs(std::map<std::string, LayerCodec>& m) {
  m["BatchNormalization"] = {batch_norm_config, batch_norm_from};
}

}  // namespace keras::saving
