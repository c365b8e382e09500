#include "keras/layers/call_kwargs.h"

#include "keras/errors.h"

namespace keras::layers {

using keras::detail::cat;

namespace {
thread_local const KwargsLayer* scoped_layer = nullptr;
thread_local const CallKwargs* scoped_kwargs = nullptr;
}  // namespace

std::optional<size_t> CallKwargs::tensor_index(const std::string& name) const {
  for (size_t i = 0; i < tensor_names.size(); ++i)
    if (tensor_names[i] == name) return num_args + i;
  return std::nullopt;
}

bool CallKwargs::flag(const std::string& name, bool fallback) const {
  auto it = values.find(name);
  if (it == values.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw ValueError(cat("Call argument `", name, "` must be a boolean. Received: ", it->dump()));
  return it->get<bool>();
}

CallKwargsScope::CallKwargsScope(const KwargsLayer* layer, const CallKwargs* kw)
    : prev_layer_(scoped_layer), prev_kw_(scoped_kwargs) {
  scoped_layer = layer;
  scoped_kwargs = kw;
}

CallKwargsScope::~CallKwargsScope() {
  scoped_layer = prev_layer_;
  scoped_kwargs = prev_kw_;
}

CallKwargs KwargsLayer::current_kwargs(size_t num_inputs) const {
  if (scoped_layer == this && scoped_kwargs) return *scoped_kwargs;
  return CallKwargs{.num_args = num_inputs, .args_as_list = kwargs_args_as_list()};
}

CallKwargs KwargsLayer::node_kwargs(int node_index, size_t num_inputs) const {
  auto it = recorded_.find(node_index);
  if (it != recorded_.end()) return it->second;
  return CallKwargs{.num_args = num_inputs, .args_as_list = kwargs_args_as_list()};
}

namespace {
KwargsLayer& as_kwargs_layer(Layer& layer) {
  auto* k = dynamic_cast<KwargsLayer*>(&layer);
  if (!k)
    throw ValueError(cat("Layer \"", layer.name(), "\" (", layer.class_name(), ") takes no keyword call arguments"));
  return *k;
}

void check_counts(const Layer& layer, size_t num_inputs, const CallKwargs& kw) {
  if (kw.num_args + kw.tensor_names.size() != num_inputs)
    throw ValueError(cat("Layer \"", layer.name(), "\" was given ", num_inputs, " tensors for ", kw.num_args,
                         " positional and ", kw.tensor_names.size(), " keyword arguments"));
}
}  // namespace

TensorList KwargsLayer::call_with(Layer& layer, const TensorList& inputs, const CallKwargs& kw,
                                  const CallContext& ctx) {
  KwargsLayer& k = as_kwargs_layer(layer);
  check_counts(layer, inputs.size(), kw);
  k.check_call_kwargs(kw);
  CallKwargsScope scope(&k, &kw);
  return layer(inputs, ctx);
}

KerasTensors KwargsLayer::call_symbolic_with(const std::shared_ptr<Layer>& layer, const KerasTensors& inputs,
                                             const CallKwargs& kw) {
  if (!layer) throw ValueError("Cannot call a null layer");
  KwargsLayer& k = as_kwargs_layer(*layer);
  check_counts(*layer, inputs.size(), kw);
  k.check_call_kwargs(kw);
  CallKwargsScope scope(&k, &kw);
  KerasTensors out = Layer::call_symbolic(layer, inputs);
  if (!out.empty()) k.recorded_[out.front().node_index] = kw;
  return out;
}

}  // namespace keras::layers
