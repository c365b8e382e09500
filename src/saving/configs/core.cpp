// Configs of the core layers: InputLayer, Dense, Flatten, Activation, Lambda.
#include "keras/layers/activations/activation.h"
#include "keras/layers/core/dense.h"
#include "keras/layers/core/embedding.h"
#include "keras/layers/core/masking.h"
#include "keras/layers/core/input_layer.h"
#include "keras/layers/core/lambda.h"
#include "keras/layers/reshaping/flatten.h"
#include "keras/saving/saving.h"
#include "saving/layer_configs.h"

namespace keras::saving {

using keras::detail::cat;
using layers::Layer;

namespace {

json input_layer_config(const Layer& l) {
  const auto& in = as<layers::InputLayer>(l);
  return json{{"batch_shape", shape_json(in.batch_shape())},
              {"dtype", std::string(dtype_name(in.input_dtype()))},
              {"sparse", false},
              {"ragged", false},
              {"name", in.name()},
              {"optional", false}};
}

std::shared_ptr<Layer> input_layer_from(const json& c) {
  const std::string ctx = layer_context(c);
  layers::InputLayerOptions o;
  if (const json* b = find(c, "batch_shape")) o.batch_shape = to_shape(*b, ctx + " batch_shape");
  else if (const json* b2 = find(c, "batch_input_shape")) o.batch_shape = to_shape(*b2, ctx + " batch_input_shape");
  else throw IOError(cat(ctx, ": InputLayer without batch_shape"));
  if (const json* d = find(c, "dtype"))
    o.dtype = dtype_from_name(d->is_string() ? d->get<std::string>()
                                             : to_string(need(need(*d, "config", ctx), "name", ctx), ctx + " dtype"));
  if (const json* n = find(c, "name")) o.name = to_string(*n, ctx + " name");
  if (const json* s = find(c, "sparse"); s && to_bool(*s, ctx)) throw IOError(cat(ctx, ": sparse inputs are not supported"));
  return std::make_shared<layers::InputLayer>(o);
}

json dense_config(const Layer& l) {
  const auto& d = as<layers::Dense>(l);
  json c = base_config(l);
  c["units"] = d.units();
  c["activation"] = activation_json(d.options().activation);
  c["use_bias"] = d.options().use_bias;
  c["kernel_initializer"] = initializer_json(d.options().kernel_initializer);
  c["bias_initializer"] = initializer_json(d.options().bias_initializer);
  c["kernel_regularizer"] = regularizer_json(d.options().kernel_regularizer);
  c["bias_regularizer"] = regularizer_json(d.options().bias_regularizer);
  c["kernel_constraint"] = constraint_json(d.options().kernel_constraint);
  c["bias_constraint"] = constraint_json(d.options().bias_constraint);
  c["quantization_config"] = nullptr;
  return c;
}

std::shared_ptr<Layer> dense_from(const json& c) {
  const std::string ctx = layer_context(c);
  reject_unsupported(c, {"quantization_config", "lora_rank"}, ctx);
  layers::DenseOptions o;
  o.activation = activation_from(find(c, "activation"), ctx);
  if (const json* b = find(c, "use_bias")) o.use_bias = to_bool(*b, ctx + " use_bias");
  if (const json* k = find(c, "kernel_initializer")) o.kernel_initializer = initializer_from(*k, ctx);
  if (const json* k = find(c, "bias_initializer")) o.bias_initializer = initializer_from(*k, ctx);
  o.kernel_regularizer = regularizer_from(find(c, "kernel_regularizer"), ctx + " kernel_regularizer");
  o.bias_regularizer = regularizer_from(find(c, "bias_regularizer"), ctx + " bias_regularizer");
  o.activity_regularizer = regularizer_from(find(c, "activity_regularizer"), ctx + " activity_regularizer");
  o.kernel_constraint = constraint_from(find(c, "kernel_constraint"), ctx + " kernel_constraint");
  o.bias_constraint = constraint_from(find(c, "bias_constraint"), ctx + " bias_constraint");
  return std::make_shared<layers::Dense>(to_int(need(c, "units", ctx), ctx + " units"), with_layer_args(o, c));
}

json flatten_config(const Layer& l) {
  json c = base_config(l);
  c["data_format"] = "channels_last";
  return c;
}

std::shared_ptr<Layer> flatten_from(const json& c) {
  layers::FlattenOptions o;
  if (const json* f = find(c, "data_format")) o.data_format = to_string(*f, layer_context(c) + " data_format");
  return std::make_shared<layers::Flatten>(with_layer_args(o, c));
}

json activation_layer_config(const Layer& l) {
  json c = base_config(l);
  c["activation"] = activation_json(as<layers::Activation>(l).activation());
  return c;
}

std::shared_ptr<Layer> activation_layer_from(const json& c) {
  return std::make_shared<layers::Activation>(activation_from(&need(c, "activation", layer_context(c)), layer_context(c)),
                                              with_layer_args(layers::ActivationOptions{}, c));
}

json lambda_config(const Layer& l) {
  const auto& o = as<layers::Lambda>(l).options();
  if (o.function_name.empty() || !find_function(o.function_name))
    throw ValueError(cat("Lambda layer \"", l.name(), "\" cannot be saved: give it a function_name registered with "
                         "saving::register_function"));
  json c = base_config(l);
  c["function"] = {{"module", "builtins"}, {"class_name", "function"}, {"config", o.function_name},
                   {"registered_name", o.function_name}};
  c["arguments"] = json::object();
  c["output_shape"] = o.output_shape ? shape_json(*o.output_shape) : json(nullptr);
  return c;
}

std::shared_ptr<Layer> lambda_from(const json& c) {
  const std::string ctx = layer_context(c);
  const json& f = need(c, "function", ctx);
  std::string name;
  if (f.is_string()) name = f.get<std::string>();
  else if (const json* cfg = find(f, "config"); cfg && cfg->is_string()) name = cfg->get<std::string>();
  if (name.empty() || !find_function(name))
    throw ValueError(cat("Lambda ", ctx, " holds ",
                         name.empty() ? std::string("Python code") : "the function \"" + name + "\"",
                         ", which is not registered. Loading never runs code from a file: register a C++ function "
                         "under that name with saving::register_function before loading."));
  layers::LambdaOptions o;
  o.function_name = name;
  if (const json* s = find(c, "output_shape"); s && s->is_array()) o.output_shape = to_shape(*s, ctx + " output_shape");
  return std::make_shared<layers::Lambda>(find_function(name), with_layer_args(o, c));
}

json embedding_config(const Layer& l) {
  const auto& e = as<layers::Embedding>(l);
  json c = base_config(l);
  c["input_dim"] = e.input_dim();
  c["output_dim"] = e.output_dim();
  c["embeddings_initializer"] = initializer_json(e.options().embeddings_initializer);
  c["embeddings_regularizer"] = regularizer_json(e.options().embeddings_regularizer);
  c["activity_regularizer"] = regularizer_json(l.activity_regularizer());
  c["embeddings_constraint"] = constraint_json(e.options().embeddings_constraint);
  c["mask_zero"] = e.options().mask_zero;
  c["quantization_config"] = nullptr;
  return c;
}

std::shared_ptr<Layer> embedding_from(const json& c) {
  const std::string ctx = layer_context(c);
  reject_unsupported(c, {"quantization_config", "lora_rank"}, ctx);
  layers::EmbeddingOptions o;
  if (const json* k = find(c, "embeddings_initializer")) o.embeddings_initializer = initializer_from(*k, ctx);
  if (const json* m = find(c, "mask_zero")) o.mask_zero = to_bool(*m, ctx + " mask_zero");
  o.embeddings_regularizer = regularizer_from(find(c, "embeddings_regularizer"), ctx + " embeddings_regularizer");
  o.activity_regularizer = regularizer_from(find(c, "activity_regularizer"), ctx + " activity_regularizer");
  o.embeddings_constraint = constraint_from(find(c, "embeddings_constraint"), ctx + " embeddings_constraint");
  // Keras 2's input_length only fixed the input shape; the batch_input_shape carries it.
  return std::make_shared<layers::Embedding>(to_int(need(c, "input_dim", ctx), ctx + " input_dim"),
                                             to_int(need(c, "output_dim", ctx), ctx + " output_dim"),
                                             with_layer_args(o, c));
}

json masking_config(const Layer& l) {
  json c = base_config(l);
  c["mask_value"] = as<layers::Masking>(l).mask_value();
  return c;
}

std::shared_ptr<Layer> masking_from(const json& c) {
  const std::string ctx = layer_context(c);
  const json* v = find(c, "mask_value");
  return std::make_shared<layers::Masking>(v ? to_number(*v, ctx + " mask_value") : 0.0,
                                           with_layer_args(layers::MaskingOptions{}, c));
}

}  // namespace

void register_core_codecs(std::map<std::string, LayerCodec>& m) {
  m["InputLayer"] = {input_layer_config, input_layer_from, "keras.layers", "", false};
  m["Dense"] = {dense_config, dense_from};
  m["Flatten"] = {flatten_config, flatten_from};
  m["Activation"] = {activation_layer_config, activation_layer_from, "keras.layers", "", false};
  m["Lambda"] = {lambda_config, lambda_from, "keras.layers", "", false};
  m["Embedding"] = {embedding_config, embedding_from};
  m["Masking"] = {masking_config, masking_from, "keras.layers", "", false};
}

}  // namespace keras::saving
