// Configs of the regularization layers: Dropout, GaussianNoise, GaussianDropout,
// ActivityRegularization.
#include "keras/layers/regularization/activity_regularization.h"
#include "keras/layers/regularization/dropout.h"
#include "keras/layers/regularization/gaussian_dropout.h"
#include "keras/layers/regularization/gaussian_noise.h"
#include "saving/layer_configs.h"

namespace keras::saving {

using keras::detail::cat;
using layers::Layer;

namespace {

json seed_json(const std::optional<uint64_t>& s) { return s ? json(*s) : json(nullptr); }

template <class Options>
Options with_seed(Options o, const json& c) {
  if (const json* s = find(c, "seed")) o.seed = static_cast<uint64_t>(to_int(*s, layer_context(c) + " seed"));
  return with_layer_args(o, c);
}

json dropout_config(const Layer& l) {
  const auto& d = as<layers::Dropout>(l);
  json c = base_config(l);
  c["rate"] = d.rate();
  c["seed"] = seed_json(d.options().seed);
  c["noise_shape"] = d.options().noise_shape ? shape_json(*d.options().noise_shape) : json(nullptr);
  return c;
}

std::shared_ptr<Layer> dropout_from(const json& c) {
  const std::string ctx = layer_context(c);
  auto o = with_seed(layers::DropoutOptions{}, c);
  if (const json* n = find(c, "noise_shape")) o.noise_shape = to_shape(*n, ctx + " noise_shape");
  return std::make_shared<layers::Dropout>(to_number(need(c, "rate", ctx), ctx + " rate"), o);
}

json gaussian_noise_config(const Layer& l) {
  const auto& g = as<layers::GaussianNoise>(l);
  json c = base_config(l);
  c["stddev"] = g.stddev();
  c["seed"] = seed_json(g.options().seed);
  return c;
}

std::shared_ptr<Layer> gaussian_noise_from(const json& c) {
  const std::string ctx = layer_context(c);
  return std::make_shared<layers::GaussianNoise>(to_number(need(c, "stddev", ctx), ctx + " stddev"),
                                                 with_seed(layers::GaussianNoiseOptions{}, c));
}

json gaussian_dropout_config(const Layer& l) {
  const auto& g = as<layers::GaussianDropout>(l);
  json c = base_config(l);
  c["rate"] = g.rate();
  c["seed"] = seed_json(g.options().seed);
  return c;
}

std::shared_ptr<Layer> gaussian_dropout_from(const json& c) {
  const std::string ctx = layer_context(c);
  return std::make_shared<layers::GaussianDropout>(to_number(need(c, "rate", ctx), ctx + " rate"),
                                                   with_seed(layers::GaussianDropoutOptions{}, c));
}


json activity_regularization_config(const Layer& l) {
  const auto& a = as<layers::ActivityRegularization>(l);
  json c = base_config(l);
  c.erase("activity_regularizer");  // Keras writes l1 and l2 instead
  c["l1"] = a.l1();
  c["l2"] = a.l2();
  return c;
}

std::shared_ptr<Layer> activity_regularization_from(const json& c) {
  const std::string ctx = layer_context(c);
  layers::ActivityRegularizationOptions o;
  try {
    if (const json* v = find(c, "l1")) o.l1 = to_number(*v, ctx + " l1");
    if (const json* v = find(c, "l2")) o.l2 = to_number(*v, ctx + " l2");
    return std::make_shared<layers::ActivityRegularization>(with_layer_args(o, c));
  } catch (const ValueError& e) {
    throw IOError(cat(ctx, ": ", e.what()));
  }
}

}  // namespace

void register_regularization_codecs(std::map<std::string, LayerCodec>& m) {
  m["ActivityRegularization"] = {activity_regularization_config, activity_regularization_from, "keras.layers", "", false};
  m["Dropout"] = {dropout_config, dropout_from, "keras.layers", "", false};
  m["GaussianNoise"] = {gaussian_noise_config, gaussian_noise_from, "keras.layers", "", false};
  m["GaussianDropout"] = {gaussian_dropout_config, gaussian_dropout_from, "keras.layers", "", false};
}

}  // namespace keras::saving
