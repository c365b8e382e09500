// keras.layers.ConvLSTM2D (keras/src/layers/rnn/conv_lstm2d.py): a 2D convolutional LSTM
// (conv_lstm.h holds the math).
//
// Args: filters; kernel_size (int or 2 ints); strides (1); padding ("valid" | "same");
//   data_format ("channels_last" | "channels_first"); dilation_rate (1); activation
//   ("tanh"); recurrent_activation ("sigmoid"); use_bias; kernel/recurrent/bias
//   initializers, regularizers and constraints; unit_forget_bias (true); dropout,
//   recurrent_dropout, seed; return_sequences, return_state, go_backwards, stateful.
// Input shape: (batch, time, rows, cols, channels) (channels_first: channels before the spatial axes).
// Output shape: the last h (batch, *out_spatial, filters); return_sequences: every
//   step's; return_state: then h and c.
//
//   layers::ConvLSTM2D(16, 3, {.padding = "same"});  // (b, t, 32, 32, 3) -> (b, 32, 32, 16)
#pragma once

#include "keras/layers/rnn/conv_lstm.h"

namespace keras::layers {

using ConvLSTM2DOptions = ConvLSTMOptions<2>;

class ConvLSTM2D : public Concrete<ConvLSTM2D, ConvLSTM<2>> {
 public:
  using Options = ConvLSTM2DOptions;
  ConvLSTM2D(int64_t filters, Size2 kernel_size, ConvLSTM2DOptions options = {})
      : Concrete("ConvLSTM2D", filters, kernel_size, std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const Config& c) { return conv_lstm_from_config<ConvLSTM2D, 2>(c); }
};

}  // namespace keras::layers
