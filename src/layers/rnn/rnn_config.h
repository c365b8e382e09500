// Internal: the config code the recurrent leaves share. SimpleRNN, LSTM and GRU write one
// flat dict, as Keras merges the cell's arguments into the layer's: the layer's keys
// (return_sequences, ...), then units, then the cell's keys.
#pragma once

#include "keras/layers/layer_config.h"
#include "keras/layers/rnn/rnn.h"

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

/// A cell's config: units, then its table.
template <class O>
Config cell_config(const RNNCell& cell, const O& o) {
  Config c = cell.Layer::get_config();
  c["units"] = cell.units();
  write_table(c, o, O::cell_fields(), &cell);
  return c;
}

}  // namespace keras::layers
