// keras.layers.ConvLSTM3D (keras/src/layers/rnn/conv_lstm3d.py): a 3D convolutional LSTM
// (conv_lstm.h holds the math).
//
// Args: filters; kernel_size (int or 3 ints); strides (1); padding ("valid" | "same");
//   data_format ("channels_last" | "channels_first"); dilation_rate (1); activation
//   ("tanh"); recurrent_activation ("sigmoid"); use_bias; kernel/recurrent/bias
//   initializers, regularizers and constraints; unit_forget_bias (true); dropout,
//   recurrent_dropout, seed; return_sequences, return_state, go_backwards, stateful.
// Input shape: (batch, time, depth, rows, cols, channels) (channels_first: channels before the spatial axes).
// Output shape: the last h (batch, *out_spatial, filters); return_sequences: every
//   step's; return_state: then h and c.
//
//   layers::ConvLSTM3D(4, 2, {.return_sequences = true});  // (b, t, 8, 8, 8, 1) -> (b, t, 7, 7, 7, 4)
#pragma once

#include "keras/layers/rnn/conv_lstm.h"

namespace keras::layers {

using ConvLSTM3DOptions = ConvLSTMOptions<3>;

class ConvLSTM3D : public Concrete<ConvLSTM3D, ConvLSTM<3>> {
 public:
  using Options = ConvLSTM3DOptions;
  ConvLSTM3D(int64_t filters, Size3 kernel_size, ConvLSTM3DOptions options = {})
      : Concrete("ConvLSTM3D", filters, kernel_size, std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const Config& c) { return conv_lstm_from_config<ConvLSTM3D, 3>(c); }
};

}  // namespace keras::layers
