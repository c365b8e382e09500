// Configs of the pooling layers.
#include "keras/layers/pooling/average_pooling1d.h"
#include "keras/layers/pooling/average_pooling2d.h"
#include "keras/layers/pooling/average_pooling3d.h"
#include "keras/layers/pooling/global_average_pooling1d.h"
#include "keras/layers/pooling/global_average_pooling2d.h"
#include "keras/layers/pooling/global_average_pooling3d.h"
#include "keras/layers/pooling/global_max_pooling1d.h"
#include "keras/layers/pooling/global_max_pooling2d.h"
#include "keras/layers/pooling/global_max_pooling3d.h"
#include "keras/layers/pooling/max_pooling1d.h"
#include "keras/layers/pooling/max_pooling2d.h"
#include "keras/layers/pooling/max_pooling3d.h"
#include "saving/layer_configs.h"

namespace keras::saving {

using layers::Layer;

namespace {

json pooling_config(const Layer& l) {
  const auto& p = as<layers::BasePooling>(l).config();
  json c = base_config(l);
  c["pool_size"] = p.pool_size;
  c["padding"] = p.padding;
  c["strides"] = p.strides;
  c["data_format"] = p.data_format;
  return c;
}

template <class Leaf, class Options, size_t N>
std::shared_ptr<Layer> pooling_from(const json& c) {
  const std::string ctx = layer_context(c);
  Options o;
  if (const json* s = find(c, "strides")) {
    const auto t = to_int_tuple(*s, N, ctx + " strides");
    layers::SizeN<N> v = 1;
    std::copy(t.begin(), t.end(), v.values.begin());
    o.strides = v;
  }
  if (const json* p = find(c, "padding")) o.padding = to_string(*p, ctx + " padding");
  if (const json* f = find(c, "data_format")) o.data_format = to_string(*f, ctx + " data_format");
  layers::SizeN<N> pool = 2;
  if (const json* ps = find(c, "pool_size")) {
    const auto t = to_int_tuple(*ps, N, ctx + " pool_size");
    std::copy(t.begin(), t.end(), pool.values.begin());
  }
  return std::make_shared<Leaf>(pool, with_layer_args(o, c));
}

json global_pooling_config(const Layer& l) {
  json c = base_config(l);
  c["data_format"] = "channels_last";
  c["keepdims"] = as<layers::BaseGlobalPooling>(l).keepdims();
  return c;
}

template <class Leaf>
std::shared_ptr<Layer> global_pooling_from(const json& c) {
  const std::string ctx = layer_context(c);
  layers::GlobalPoolingOptions o;
  if (const json* f = find(c, "data_format")) o.data_format = to_string(*f, ctx + " data_format");
  if (const json* k = find(c, "keepdims")) o.keepdims = to_bool(*k, ctx + " keepdims");
  return std::make_shared<Leaf>(with_layer_args(o, c));
}

}  // namespace

void register_pooling_codecs(std::map<std::string, LayerCodec>& m) {
  auto add = [&](const char* name, LayerCodec codec) {
    codec.writes_build_config = false;  // pooling layers have no build() in Keras
    m[name] = std::move(codec);
  };
  add("MaxPooling1D", {pooling_config, pooling_from<layers::MaxPooling1D, layers::MaxPooling1DOptions, 1>});
  add("MaxPooling2D", {pooling_config, pooling_from<layers::MaxPooling2D, layers::MaxPooling2DOptions, 2>});
  add("MaxPooling3D", {pooling_config, pooling_from<layers::MaxPooling3D, layers::MaxPooling3DOptions, 3>});
  add("AveragePooling1D", {pooling_config, pooling_from<layers::AveragePooling1D, layers::AveragePooling1DOptions, 1>});
  add("AveragePooling2D", {pooling_config, pooling_from<layers::AveragePooling2D, layers::AveragePooling2DOptions, 2>});
  add("AveragePooling3D", {pooling_config, pooling_from<layers::AveragePooling3D, layers::AveragePooling3DOptions, 3>});
  add("GlobalMaxPooling1D", {global_pooling_config, global_pooling_from<layers::GlobalMaxPooling1D>});
  add("GlobalMaxPooling2D", {global_pooling_config, global_pooling_from<layers::GlobalMaxPooling2D>});
  add("GlobalMaxPooling3D", {global_pooling_config, global_pooling_from<layers::GlobalMaxPooling3D>});
  add("GlobalAveragePooling1D", {global_pooling_config, global_pooling_from<layers::GlobalAveragePooling1D>});
  add("GlobalAveragePooling2D", {global_pooling_config, global_pooling_from<layers::GlobalAveragePooling2D>});
  add("GlobalAveragePooling3D", {global_pooling_config, global_pooling_from<layers::GlobalAveragePooling3D>});
}

}  // namespace keras::saving
