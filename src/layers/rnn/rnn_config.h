// Internal: the config code the recurrent leaves share. SimpleRNN, LSTM and GRU write one
// flat dict, as Keras merges the cell's arguments into the layer's: the layer's keys
// (return_sequences, ...), then units, then the cell's keys.
#pragma once

#include "keras/layers/layer_config.h"
#include "keras/layers/rnn/rnn.h"
#include "keras/ops/core.h"

namespace keras::layers {

template <class O>
O read_rnn_options(const ConfigReader& r) {
  if (r.get<bool>("time_major", false)) r.fail("time_major=True is not supported");
  return r.options<O>();
}

/// SimpleRNN, LSTM, GRU: units, then their options.
template <class L>
std::shared_ptr<Layer> recurrent_layer_from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<L>(r.required<int64_t>("units"), read_rnn_options<typename L::Options>(r));
}

/// A recurrent layer's config; `cell_options` is its cell's options (with their table
/// O::cell_fields()).
template <class O>
Config recurrent_layer_config(const RNN& layer, const O& cell_options) {
  Config c = layer.Layer::get_config();
  write_fields(c, layer.rnn_options());
  c["units"] = layer.cell().units();
  write_table(c, cell_options, O::cell_fields(), &layer);
  return c;
}

/// A cell's config: units, then its table without activity_regularizer (a layer's
/// argument: Keras's cells do not write it).
template <class O>
Config cell_config(const RNNCell& cell, const O& o) {
  Config table = Config::object();
  write_table(table, o, O::cell_fields(), &cell);
  Config c = cell.Layer::get_config();
  c["units"] = cell.units();
  // LSTMCell writes unit_forget_bias right after use_bias (the LSTM layer: after bias_initializer).
  for (auto it = table.begin(); it != table.end(); ++it) {
    if (it.key() == "activity_regularizer" || it.key() == "unit_forget_bias") continue;
    c[it.key()] = it.value();
    if (it.key() == "use_bias" && table.contains("unit_forget_bias")) c["unit_forget_bias"] = table["unit_forget_bias"];
  }
  return c;
}

/// Keras's unit_forget_bias (LSTMCell, ConvLSTMCell): the bias of the four gates i, f,
/// c, o of `units` each is concatenate(init((units,)), ones((units,)), init((2 * units,))).
inline initializers::Initializer forget_bias_initializer(const initializers::Initializer& base, int64_t units) {
  return initializers::Initializer(
      base.class_name(),
      [base, units](const Shape&, DType d) {
        return ops::concatenate({base(Shape{units}, d), Tensor::ones(Shape{units}, d), base(Shape{2 * units}, d)}, 0);
      },
      base.config());
}

}  // namespace keras::layers
