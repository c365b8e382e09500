#include "keras/layers/attention/head_attention.h"

#include "attention_internal.h"
#include "keras/layers/layer_config.h"

namespace keras::layers {

using keras::detail::cat;
namespace ad = attention_detail;

HeadAttention::HeadAttention(std::string class_name, const LayerArgs& args, std::string kind,
                             std::string attribute_prefix)
    : Layer(std::move(class_name), args), kind_(std::move(kind)), attribute_prefix_(std::move(attribute_prefix)) {}

std::string HeadAttention::who() const { return cat("Layer \"", name(), "\" (", kind_, ")"); }

void HeadAttention::check_call_kwargs(const CallKwargs& kw) const { ad::check_attention_kwargs(kw, who()); }

HeadAttention::Roles HeadAttention::roles(size_t num_inputs) const {
  return ad::attention_roles<Roles>(current_kwargs(num_inputs), num_inputs, who());
}

void HeadAttention::record_shapes(const std::vector<Shape>& shapes, const Roles& r) {
  query_shape_ = shapes[r.query];
  value_shape_ = shapes[r.value];
  key_shape_.reset();
  if (r.key) key_shape_ = shapes[*r.key];
}

void HeadAttention::track_projections() {
  untrack_layers();
  for (const auto& l : {query_dense_, key_dense_, gate_dense_, value_dense_, output_dense_})
    if (l) track_layer(l);
}

TensorList HeadAttention::compute_mask(const TensorList& inputs, const TensorList& masks, size_t num_outputs) {
  const Roles r = roles(inputs.size());
  TensorList out(num_outputs);
  if (r.query < masks.size() && num_outputs > 0) out[0] = masks[r.query];
  return out;
}

std::vector<std::pair<std::string, std::shared_ptr<Layer>>> HeadAttention::named_sublayers() const {
  std::vector<std::pair<std::string, std::shared_ptr<Layer>>> out;
  if (!query_dense_) return out;
  const std::string& p = attribute_prefix_;
  out = {{p + "query_dense", query_dense_},
         {p + "key_dense", key_dense_},
         {p + "value_dense", value_dense_},
         {p + "output_dense", output_dense_}};
  if (gate_dense_) out.emplace_back("_gate_dense", gate_dense_);  // private in both Keras classes
  return out;
}

std::optional<Config> HeadAttention::build_config() const {
  if (!built()) return std::nullopt;
  Config shapes = Config::object();
  shapes["query_shape"] = config_value(query_shape_);
  shapes["value_shape"] = config_value(value_shape_);
  if (key_shape_) shapes["key_shape"] = config_value(*key_shape_);
  return Config{{"shapes_dict", shapes}};
}

KerasTensors HeadAttention::operator()(const KerasTensor& query, const KerasTensor& value,
                                       const SymbolicAttentionCall& args) && {
  std::shared_ptr<Layer> self = weak_from_this().lock();
  if (!self) self = std::move(*this).move_to_shared();
  return (*std::static_pointer_cast<HeadAttention>(self))(query, value, args);
}

KerasTensors HeadAttention::operator()(const KerasTensor& query, const KerasTensor& value,
                                       const SymbolicAttentionCall& args) & {
  std::shared_ptr<Layer> self = weak_from_this().lock();
  if (!self)
    fail(cat(kind_,
             " is called on symbolic tensors but is not shared; hold it in a std::make_shared or call a "
             "temporary"));
  KerasTensors inputs{query, value};
  const CallKwargs kw = ad::attention_kwargs(inputs, args);
  return call_symbolic_with(self, inputs, kw);
}

AttentionResult HeadAttention::attend(const Tensor& query, const Tensor& value, const AttentionCall& args) {
  TensorList inputs{query, value};
  const CallKwargs kw = ad::attention_kwargs(inputs, args);
  TensorList out = call_with(*this, inputs, kw, CallContext{args.training});
  return {out.at(0), out.size() > 1 ? out[1] : Tensor()};
}

}  // namespace keras::layers
