// Configs of the recurrent family: SimpleRNN, LSTM, GRU (one flat dict each, as Keras
// merges the cell's arguments into the layer's), their cells, the generic RNN(cell),
// Bidirectional and TimeDistributed (which nest their layers' entries).
#include "keras/layers/rnn/bidirectional.h"
#include "keras/layers/rnn/gru.h"
#include "keras/layers/rnn/lstm.h"
#include "keras/layers/rnn/simple_rnn.h"
#include "keras/layers/rnn/time_distributed.h"
#include "keras/saving/saving.h"
#include "saving/layer_configs.h"

namespace keras::saving {

using keras::detail::cat;
using layers::Layer;

namespace {

json seed_json(const std::optional<uint64_t>& s) { return s ? json(*s) : json(nullptr); }

// ---- the keys every recurrent layer writes before its cell's

void write_rnn_args(json& c, const layers::RNNOptions& o) {
  c["return_sequences"] = o.return_sequences;
  c["return_state"] = o.return_state;
  c["go_backwards"] = o.go_backwards;
  c["stateful"] = o.stateful;
  c["unroll"] = o.unroll;
  c["zero_output_for_mask"] = o.zero_output_for_mask;
}

template <class Options>
void read_rnn_args(Options& o, const json& c, const std::string& ctx) {
  auto flag = [&](const char* key, bool& field) {
    if (const json* v = find(c, key)) field = to_bool(*v, ctx + " " + key);
  };
  flag("return_sequences", o.return_sequences);
  flag("return_state", o.return_state);
  flag("go_backwards", o.go_backwards);
  flag("stateful", o.stateful);
  flag("unroll", o.unroll);
  flag("zero_output_for_mask", o.zero_output_for_mask);
  if (const json* t = find(c, "time_major"); t && to_bool(*t, ctx)) throw IOError(cat(ctx, ": time_major=True is not supported"));
}

// ---- the cells' arguments (shared by the cells and their layers)

template <class Options>
void read_cell_args(Options& o, const json& c, const std::string& ctx) {
  if (const json* a = find(c, "activation")) o.activation = activation_from(a, ctx);
  if constexpr (requires { o.recurrent_activation; })
    if (const json* a = find(c, "recurrent_activation")) o.recurrent_activation = activation_from(a, ctx);
  if (const json* b = find(c, "use_bias")) o.use_bias = to_bool(*b, ctx + " use_bias");
  if (const json* k = find(c, "kernel_initializer")) o.kernel_initializer = initializer_from(*k, ctx);
  if (const json* k = find(c, "recurrent_initializer")) o.recurrent_initializer = initializer_from(*k, ctx);
  if (const json* k = find(c, "bias_initializer")) o.bias_initializer = initializer_from(*k, ctx);
  if constexpr (requires { o.unit_forget_bias; })
    if (const json* u = find(c, "unit_forget_bias")) o.unit_forget_bias = to_bool(*u, ctx + " unit_forget_bias");
  if constexpr (requires { o.reset_after; })
    if (const json* r = find(c, "reset_after")) o.reset_after = to_bool(*r, ctx + " reset_after");
  o.kernel_regularizer = regularizer_from(find(c, "kernel_regularizer"), ctx + " kernel_regularizer");
  o.recurrent_regularizer = regularizer_from(find(c, "recurrent_regularizer"), ctx + " recurrent_regularizer");
  o.bias_regularizer = regularizer_from(find(c, "bias_regularizer"), ctx + " bias_regularizer");
  if constexpr (requires { o.activity_regularizer; })
    o.activity_regularizer = regularizer_from(find(c, "activity_regularizer"), ctx + " activity_regularizer");
  o.kernel_constraint = constraint_from(find(c, "kernel_constraint"), ctx + " kernel_constraint");
  o.recurrent_constraint = constraint_from(find(c, "recurrent_constraint"), ctx + " recurrent_constraint");
  o.bias_constraint = constraint_from(find(c, "bias_constraint"), ctx + " bias_constraint");
  if (const json* d = find(c, "dropout")) o.dropout = to_number(*d, ctx + " dropout");
  if (const json* d = find(c, "recurrent_dropout")) o.recurrent_dropout = to_number(*d, ctx + " recurrent_dropout");
  if (const json* s = find(c, "seed"); s && !s->is_null()) o.seed = static_cast<uint64_t>(to_int(*s, ctx + " seed"));
}

/// The cell's keys in Keras's order: units, activations, use_bias, initializers, ...
template <class Options>
void write_cell_args(json& c, int64_t units, const Options& o, bool with_seed, const Layer& l) {
  c["units"] = units;
  c["activation"] = activation_json(o.activation);
  if constexpr (requires { o.recurrent_activation; }) c["recurrent_activation"] = activation_json(o.recurrent_activation);
  c["use_bias"] = o.use_bias;
  c["kernel_initializer"] = initializer_json(o.kernel_initializer);
  c["recurrent_initializer"] = initializer_json(o.recurrent_initializer);
  c["bias_initializer"] = initializer_json(o.bias_initializer);
  if constexpr (requires { o.unit_forget_bias; }) c["unit_forget_bias"] = o.unit_forget_bias;
  c["kernel_regularizer"] = regularizer_json(o.kernel_regularizer);
  c["recurrent_regularizer"] = regularizer_json(o.recurrent_regularizer);
  c["bias_regularizer"] = regularizer_json(o.bias_regularizer);
  c["activity_regularizer"] = regularizer_json(l.activity_regularizer());
  c["kernel_constraint"] = constraint_json(o.kernel_constraint);
  c["recurrent_constraint"] = constraint_json(o.recurrent_constraint);
  c["bias_constraint"] = constraint_json(o.bias_constraint);
  c["dropout"] = o.dropout;
  c["recurrent_dropout"] = o.recurrent_dropout;
  if constexpr (requires { o.reset_after; }) c["reset_after"] = o.reset_after;
  if (with_seed) c["seed"] = seed_json(o.seed);
}

int64_t units_of(const json& c, const std::string& ctx) { return to_int(need(c, "units", ctx), ctx + " units"); }

// ---- cells

template <class Cell, class Options>
std::shared_ptr<Layer> cell_from(const json& c) {
  const std::string ctx = layer_context(c);
  Options o;
  read_cell_args(o, c, ctx);
  const auto a = layer_args(c);
  o.name = a.name;
  o.dtype = a.dtype;
  o.trainable = a.trainable;
  return std::make_shared<Cell>(units_of(c, ctx), o);
}

template <class Cell>
json cell_config(const Layer& l) {
  const auto& cell = as<Cell>(l);
  json c = base_config(l);
  write_cell_args(c, cell.units(), cell.options(), !std::is_same_v<Cell, layers::SimpleRNNCell>, l);
  return c;
}

// ---- SimpleRNN, LSTM, GRU: the layer's keys, then the cell's

template <class LayerT, class CellT>
json recurrent_config(const Layer& l) {
  const auto& r = as<LayerT>(l);
  const auto& cell = as<CellT>(r.cell());
  json c = base_config(l);
  write_rnn_args(c, r.rnn_options());
  write_cell_args(c, cell.units(), cell.options(), !std::is_same_v<CellT, layers::SimpleRNNCell>, l);
  return c;
}

template <class LayerT, class Options>
std::shared_ptr<Layer> recurrent_from(const json& c) {
  const std::string ctx = layer_context(c);
  Options o;
  read_rnn_args(o, c, ctx);
  read_cell_args(o, c, ctx);
  return std::make_shared<LayerT>(units_of(c, ctx), with_layer_args(o, c));
}

// ---- RNN(cell)

json rnn_config(const Layer& l) {
  const auto& r = as<layers::RNN>(l);
  json c = base_config(l);
  write_rnn_args(c, r.rnn_options());
  json cell = serialize_layer(r.cell());
  cell.erase("build_config");
  c["cell"] = cell;
  return c;
}

std::shared_ptr<Layer> rnn_from(const json& c) {
  const std::string ctx = layer_context(c);
  auto cell = std::dynamic_pointer_cast<layers::RNNCell>(deserialize_layer(need(c, "cell", ctx)));
  if (!cell) throw IOError(cat(ctx, ": \"cell\" is not a recurrent cell (SimpleRNNCell, LSTMCell or GRUCell)"));
  layers::RNNOptions o;
  read_rnn_args(o, c, ctx);
  return std::make_shared<layers::RNN>(cell, with_layer_args(o, c));
}

// ---- wrappers

json bidirectional_config(const Layer& l) {
  const auto& b = as<layers::Bidirectional>(l);
  json c = base_config(l);
  c["merge_mode"] = b.merge_mode() ? json(*b.merge_mode()) : json(nullptr);
  c["layer"] = serialize_layer(*b.forward_layer());
  c["backward_layer"] = serialize_layer(*b.backward_layer());
  return c;
}

std::shared_ptr<Layer> bidirectional_from(const json& c) {
  const std::string ctx = layer_context(c);
  layers::BidirectionalOptions o;
  if (c.contains("merge_mode"))  // null means "return both outputs"
    o.merge_mode = c["merge_mode"].is_null() ? std::nullopt : std::optional(to_string(c["merge_mode"], ctx));
  if (const json* w = find(c, "weights"); w && !w->is_null()) throw IOError(cat(ctx, ": \"weights\" in the config is not supported"));
  auto forward = deserialize_layer(need(c, "layer", ctx));
  if (const json* b = find(c, "backward_layer"); b && !b->is_null()) o.backward_layer = layers::LayerHandle(deserialize_layer(*b));
  return std::make_shared<layers::Bidirectional>(layers::LayerHandle(forward), with_layer_args(o, c));
}

json time_distributed_config(const Layer& l) {
  json c = base_config(l);
  c["layer"] = serialize_layer(*as<layers::TimeDistributed>(l).layer());
  return c;
}

std::shared_ptr<Layer> time_distributed_from(const json& c) {
  const std::string ctx = layer_context(c);
  return std::make_shared<layers::TimeDistributed>(layers::LayerHandle(deserialize_layer(need(c, "layer", ctx))),
                                                   with_layer_args(layers::TimeDistributedOptions{}, c));
}

}  // namespace

void register_rnn_codecs(std::map<std::string, LayerCodec>& m) {
  using namespace layers;
  m["SimpleRNN"] = {recurrent_config<SimpleRNN, SimpleRNNCell>, recurrent_from<SimpleRNN, SimpleRNNOptions>};
  m["LSTM"] = {recurrent_config<LSTM, LSTMCell>, recurrent_from<LSTM, LSTMOptions>};
  m["GRU"] = {recurrent_config<GRU, GRUCell>, recurrent_from<GRU, GRUOptions>};
  m["SimpleRNNCell"] = {cell_config<SimpleRNNCell>, cell_from<SimpleRNNCell, SimpleRNNCellOptions>};
  m["LSTMCell"] = {cell_config<LSTMCell>, cell_from<LSTMCell, LSTMCellOptions>};
  m["GRUCell"] = {cell_config<GRUCell>, cell_from<GRUCell, GRUCellOptions>};
  m["RNN"] = {rnn_config, rnn_from};
  m["Bidirectional"] = {bidirectional_config, bidirectional_from};
  m["TimeDistributed"] = {time_distributed_config, time_distributed_from};
}

}  // namespace keras::saving
