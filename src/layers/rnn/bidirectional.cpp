#include "keras/layers/rnn/bidirectional.h"
#include "keras/layers/registry.h"

#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include <nlohmann/json.hpp>


namespace keras::layers {

using keras::detail::cat;

namespace {

/// A copy of `layer` through its config, as Keras makes the two directions: named
/// <prefix><name without "forward_">, with go_backwards flipped for the backward copy.
std::shared_ptr<RNN> recreate(const Layer& layer, bool backward, bool zero_output_for_mask) {
  auto entry = serialize(layer);
  auto& config = entry["config"];
  std::string base = layer.name();
  if (base.rfind("forward_", 0) == 0) base = base.substr(8);
  config["name"] = (backward ? "backward_" : "forward_") + base;
  if (backward) config["go_backwards"] = !config["go_backwards"].get<bool>();
  config["zero_output_for_mask"] = zero_output_for_mask;
  entry.erase("build_config");
  auto copy = std::dynamic_pointer_cast<RNN>(deserialize(entry));
  if (!copy) throw ValueError(cat("Bidirectional: could not copy layer \"", layer.name(), "\""));
  return copy;
}

}  // namespace

Bidirectional::Bidirectional(LayerHandle layer, BidirectionalOptions o)
    : Concrete("Bidirectional", layer_args_of(o)),
      merge_mode_(std::move(o.merge_mode)) {
  const auto* rnn = dynamic_cast<const RNN*>(layer.ptr().get());
  if (!rnn)
    fail(cat("Please initialize `Bidirectional` layer with a recurrent layer (SimpleRNN, LSTM, GRU or RNN). Received: ",
             layer.ptr() ? layer->class_name() : std::string("null")));
  if (merge_mode_ && *merge_mode_ != "concat" && *merge_mode_ != "sum" && *merge_mode_ != "mul" &&
      *merge_mode_ != "ave")
    fail(cat("Invalid merge mode. Received: ", *merge_mode_, ". Merge mode should be one of {\"sum\", \"mul\", \"ave\", "
             "\"concat\", None}"));
  const bool seq = rnn->rnn_options().return_sequences;
  forward_ = recreate(*rnn, false, seq);
  if (o.backward_layer) {
    backward_ = std::dynamic_pointer_cast<RNN>(o.backward_layer->ptr());
    if (!backward_) fail("`backward_layer` must be a recurrent layer (SimpleRNN, LSTM, GRU or RNN)");
    const auto& f = forward_->rnn_options();
    const auto& b = backward_->rnn_options();
    if (b.go_backwards == f.go_backwards)
      fail("Forward layer and backward layer should have different `go_backwards` value. Received: "
           "go_backwards=" + std::string(b.go_backwards ? "True" : "False") + " for both");
    if (b.return_sequences != f.return_sequences || b.return_state != f.return_state || b.stateful != f.stateful)
      fail("Forward layer and backward layer should have the same `return_sequences`, `return_state` and `stateful`");
  } else {
    backward_ = recreate(*rnn, true, seq);
  }
  input_spec_.min_ndim = 3;
  track_layer(forward_);
  track_layer(backward_);
}

void Bidirectional::build(const std::vector<Shape>& input_shapes) {
  forward_->build_for({input_shapes.at(0)});
  backward_->build_for({input_shapes.at(0)});
}

std::vector<Shape> Bidirectional::compute_output_shape(const std::vector<Shape>& input_shapes) {
  const std::vector<Shape> f = forward_->compute_output_shape({input_shapes.at(0)});
  const std::vector<Shape> b = backward_->compute_output_shape({input_shapes.at(0)});
  std::vector<Shape> out;
  if (!merge_mode_) {
    out = {f[0], b[0]};
  } else {
    Shape y = f[0];
    if (*merge_mode_ == "concat") y[y.size() - 1] = f[0].back() + b[0].back();
    out = {y};
  }
  out.insert(out.end(), f.begin() + 1, f.end());
  out.insert(out.end(), b.begin() + 1, b.end());
  return out;
}

TensorList Bidirectional::call(const TensorList& inputs, const CallContext& ctx) {
  const Tensor& x = inputs.at(0);
  TensorList states = ctx.initial_state;
  states.insert(states.end(), inputs.begin() + 1, inputs.end());
  CallContext fctx{ctx.training, ctx.masks, {}}, bctx{ctx.training, ctx.masks, {}};
  if (!states.empty()) {
    if (states.size() % 2 != 0)
      fail(cat("Bidirectional takes an even number of initial states (forward then backward); got ", states.size()));
    const auto half = static_cast<std::ptrdiff_t>(states.size() / 2);
    fctx.initial_state.assign(states.begin(), states.begin() + half);
    bctx.initial_state.assign(states.begin() + half, states.end());
  }
  const TensorList f = (*forward_)(TensorList{x}, fctx);
  const TensorList b = (*backward_)(TensorList{x}, bctx);
  Tensor y = f[0], y_rev = b[0];
  if (forward_->rnn_options().return_sequences) y_rev = ops::flip(y_rev, 1);
  TensorList out;
  if (!merge_mode_) out = {y, y_rev};
  else if (*merge_mode_ == "concat") out = {ops::concatenate({y, y_rev}, -1)};
  else if (*merge_mode_ == "sum") out = {ops::add(y, y_rev)};
  else if (*merge_mode_ == "ave") out = {ops::add(y, y_rev) * 0.5};
  else out = {ops::multiply(y, y_rev)};
  out.insert(out.end(), f.begin() + 1, f.end());
  out.insert(out.end(), b.begin() + 1, b.end());
  return out;
}

TensorList Bidirectional::compute_mask(const TensorList&, const TensorList& masks, size_t num_outputs) {
  TensorList out(num_outputs);
  if (masks.empty() || !forward_->rnn_options().return_sequences) return out;
  out[0] = masks[0];
  if (!merge_mode_) out[1] = masks[0];
  return out;
}

Config Bidirectional::get_config() const {
  Config c = Layer::get_config();
  c["merge_mode"] = config_value(merge_mode_);
  c["layer"] = serialize(*forward_);
  c["backward_layer"] = serialize(*backward_);
  return c;
}

std::shared_ptr<Layer> Bidirectional::from_config(const Config& config) {
  ConfigReader r(config);
  BidirectionalOptions o = r.options<BidirectionalOptions>();  // merge_mode null: return both outputs
  if (const Config* w = r.find("weights"); w && !w->is_null()) r.fail("\"weights\" in the config is not supported");
  auto forward = deserialize(r.need("layer"));
  if (const Config* b = r.find("backward_layer"); b && !b->is_null()) o.backward_layer = LayerHandle(deserialize(*b));
  return std::make_shared<Bidirectional>(LayerHandle(forward), o);
}

}  // namespace keras::layers
