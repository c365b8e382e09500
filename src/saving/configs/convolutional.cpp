// Configs of the convolution layers (one writer for the family, a reader per leaf).
#include "keras/layers/convolutional/conv1d.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/convolutional/conv3d.h"
#include "keras/layers/convolutional/depthwise_conv2d.h"
#include "keras/layers/convolutional/separable_conv2d.h"
#include "saving/layer_configs.h"

namespace keras::saving {

using layers::ConvKind;
using layers::Layer;

namespace {

json conv_config(const Layer& l) {
  const auto& k = as<layers::BaseConv>(l).config();
  json c = base_config(l);
  if (k.kind != ConvKind::standard) c["depth_multiplier"] = k.depth_multiplier;
  if (k.kind != ConvKind::depthwise) c["filters"] = k.filters;
  c["kernel_size"] = k.kernel_size;
  c["strides"] = k.strides;
  c["padding"] = k.padding;
  c["data_format"] = k.data_format;
  c["dilation_rate"] = k.dilation_rate;
  if (k.kind == ConvKind::standard) c["groups"] = k.groups;
  c["activation"] = activation_json(k.activation);
  c["use_bias"] = k.use_bias;
  if (k.kind == ConvKind::standard) {
    c["kernel_initializer"] = initializer_json(k.kernel_initializer);
  } else {
    c["depthwise_initializer"] = initializer_json(k.depthwise_initializer);
    if (k.kind == ConvKind::separable) c["pointwise_initializer"] = initializer_json(k.pointwise_initializer);
  }
  c["bias_initializer"] = initializer_json(k.bias_initializer);
  if (k.kind == ConvKind::standard) {
    c["kernel_regularizer"] = regularizer_json(k.kernel_regularizer);
  } else {
    c["depthwise_regularizer"] = regularizer_json(k.depthwise_regularizer);
    if (k.kind == ConvKind::separable) c["pointwise_regularizer"] = regularizer_json(k.pointwise_regularizer);
  }
  c["bias_regularizer"] = regularizer_json(k.bias_regularizer);
  c["activity_regularizer"] = regularizer_json(l.activity_regularizer());
  if (k.kind == ConvKind::standard) {
    c["kernel_constraint"] = constraint_json(k.kernel_constraint);
  } else {
    c["depthwise_constraint"] = constraint_json(k.depthwise_constraint);
    if (k.kind == ConvKind::separable) c["pointwise_constraint"] = constraint_json(k.pointwise_constraint);
  }
  c["bias_constraint"] = constraint_json(k.bias_constraint);
  return c;
}

/// Reads the options every conv leaf shares into an options struct.
template <size_t N, class Options>
Options conv_options(const json& c, Options o) {
  const std::string ctx = layer_context(c);
  auto tuple = [&](const char* key, layers::SizeN<N>& out) {
    if (const json* v = find(c, key)) {
      const auto t = to_int_tuple(*v, N, ctx + " " + key);
      std::copy(t.begin(), t.end(), out.values.begin());
    }
  };
  tuple("strides", o.strides);
  tuple("dilation_rate", o.dilation_rate);
  if (const json* p = find(c, "padding")) o.padding = to_string(*p, ctx + " padding");
  if (const json* f = find(c, "data_format")) o.data_format = to_string(*f, ctx + " data_format");
  o.activation = activation_from(find(c, "activation"), ctx);
  if (const json* b = find(c, "use_bias")) o.use_bias = to_bool(*b, ctx + " use_bias");
  if (const json* k = find(c, "bias_initializer")) o.bias_initializer = initializer_from(*k, ctx);
  o.bias_regularizer = regularizer_from(find(c, "bias_regularizer"), ctx + " bias_regularizer");
  o.activity_regularizer = regularizer_from(find(c, "activity_regularizer"), ctx + " activity_regularizer");
  o.bias_constraint = constraint_from(find(c, "bias_constraint"), ctx + " bias_constraint");
  return with_layer_args(o, c);
}

template <size_t N>
layers::SizeN<N> kernel_size(const json& c) {
  const std::string ctx = layer_context(c);
  const auto t = to_int_tuple(need(c, "kernel_size", ctx), N, ctx + " kernel_size");
  layers::SizeN<N> s = 1;
  std::copy(t.begin(), t.end(), s.values.begin());
  return s;
}

template <class Leaf, class Options, size_t N>
std::shared_ptr<Layer> standard_from(const json& c) {
  const std::string ctx = layer_context(c);
  Options o = conv_options<N>(c, Options{});
  if (const json* g = find(c, "groups")) o.groups = to_int(*g, ctx + " groups");
  if (const json* k = find(c, "kernel_initializer")) o.kernel_initializer = initializer_from(*k, ctx);
  o.kernel_regularizer = regularizer_from(find(c, "kernel_regularizer"), ctx + " kernel_regularizer");
  o.kernel_constraint = constraint_from(find(c, "kernel_constraint"), ctx + " kernel_constraint");
  return std::make_shared<Leaf>(to_int(need(c, "filters", ctx), ctx + " filters"), kernel_size<N>(c), o);
}

std::shared_ptr<Layer> depthwise_from(const json& c) {
  const std::string ctx = layer_context(c);
  auto o = conv_options<2>(c, layers::DepthwiseConv2DOptions{});
  if (const json* m = find(c, "depth_multiplier")) o.depth_multiplier = to_int(*m, ctx + " depth_multiplier");
  if (const json* k = find(c, "depthwise_initializer")) o.depthwise_initializer = initializer_from(*k, ctx);
  o.depthwise_regularizer = regularizer_from(find(c, "depthwise_regularizer"), ctx + " depthwise_regularizer");
  o.depthwise_constraint = constraint_from(find(c, "depthwise_constraint"), ctx + " depthwise_constraint");
  return std::make_shared<layers::DepthwiseConv2D>(kernel_size<2>(c), o);
}

std::shared_ptr<Layer> separable_from(const json& c) {
  const std::string ctx = layer_context(c);
  auto o = conv_options<2>(c, layers::SeparableConv2DOptions{});
  if (const json* m = find(c, "depth_multiplier")) o.depth_multiplier = to_int(*m, ctx + " depth_multiplier");
  if (const json* k = find(c, "depthwise_initializer")) o.depthwise_initializer = initializer_from(*k, ctx);
  if (const json* k = find(c, "pointwise_initializer")) o.pointwise_initializer = initializer_from(*k, ctx);
  o.depthwise_regularizer = regularizer_from(find(c, "depthwise_regularizer"), ctx + " depthwise_regularizer");
  o.depthwise_constraint = constraint_from(find(c, "depthwise_constraint"), ctx + " depthwise_constraint");
  o.pointwise_regularizer = regularizer_from(find(c, "pointwise_regularizer"), ctx + " pointwise_regularizer");
  o.pointwise_constraint = constraint_from(find(c, "pointwise_constraint"), ctx + " pointwise_constraint");
  return std::make_shared<layers::SeparableConv2D>(to_int(need(c, "filters", ctx), ctx + " filters"), kernel_size<2>(c), o);
}

}  // namespace

void register_convolutional_codecs(std::map<std::string, LayerCodec>& m) {
  m["Conv1D"] = {conv_config, standard_from<layers::Conv1D, layers::Conv1DOptions, 1>};
  m["Conv2D"] = {conv_config, standard_from<layers::Conv2D, layers::Conv2DOptions, 2>};
  m["Conv3D"] = {conv_config, standard_from<layers::Conv3D, layers::Conv3DOptions, 3>};
  m["DepthwiseConv2D"] = {conv_config, depthwise_from};
  m["SeparableConv2D"] = {conv_config, separable_from};
}

}  // namespace keras::saving
