// keras.layers.ConvLSTM1D (keras/src/layers/rnn/conv_lstm1d.py): a 1D convolutional LSTM
// (conv_lstm.h holds the math).
//
// Args: filters; kernel_size (int or 1 ints); strides (1); padding ("valid" | "same");
//   data_format ("channels_last" | "channels_first"); dilation_rate (1); activation
//   ("tanh"); recurrent_activation ("sigmoid"); use_bias; kernel/recurrent/bias
//   initializers, regularizers and constraints; unit_forget_bias (true); dropout,
//   recurrent_dropout, seed; return_sequences, return_state, go_backwards, stateful.
// Input shape: (batch, time, steps, channels) (channels_first: channels before the spatial axes).
// Output shape: the last h (batch, *out_spatial, filters); return_sequences: every
//   step's; return_state: then h and c.
//
//   layers::ConvLSTM1D(8, 3, {.padding = "same", .return_sequences = true});  // (b, t, 20, 4) -> (b, t, 20, 8)
#pragma once

#include "keras/layers/rnn/conv_lstm.h"

namespace keras::layers {

using ConvLSTM1DOptions = ConvLSTMOptions<1>;

class ConvLSTM1D : public Concrete<ConvLSTM1D, ConvLSTM<1>> {
 public:
  using Options = ConvLSTM1DOptions;
  ConvLSTM1D(int64_t filters, Size1 kernel_size, ConvLSTM1DOptions options = {})
      : Concrete("ConvLSTM1D", filters, kernel_size, std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const Config& c) { return conv_lstm_from_config<ConvLSTM1D, 1>(c); }
};

}  // namespace keras::layers
