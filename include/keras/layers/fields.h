// The field table of an options struct: each keyword argument declared once, as its
// Keras config key and the member that holds it. The table drives get_config,
// from_config, equality and printing (keras/layers/layer_config.h), so adding an option
// to a layer is one member and one table line:
//
//   struct DropoutOptions {
//     std::optional<Shape> noise_shape{};
//     std::optional<uint64_t> seed{};
//     ...the layer-args tail (input_shape, name, dtype, trainable)...
//     static constexpr auto fields() {
//       return std::tuple{field("seed", &DropoutOptions::seed), field("noise_shape", &DropoutOptions::noise_shape)};
//     }
//   };
//
// Defaults are the struct's default member initializers: a key missing from a config
// keeps the default. The table lists keys in the order Keras writes them; the tail
// (name, trainable, dtype) is written by Layer::get_config and read for every layer.
#pragma once

#include <tuple>

namespace keras::layers {

/// Reads and writes a value in a way other than its type's default (see layer_config.h).
/// SingleAxis: an int, or a list holding one int (Keras writes `axis` both ways).
struct SingleAxis;

template <class Owner, class T, class Codec = void>
struct Field {
  const char* key;
  T Owner::*member;
  /// An older Keras name accepted when reading (e.g. LeakyReLU's "alpha").
  const char* alias = nullptr;
};

template <class Owner, class T>
constexpr Field<Owner, T> field(const char* key, T Owner::*member, const char* alias = nullptr) {
  return {key, member, alias};
}

template <class Codec, class Owner, class T>
constexpr Field<Owner, T, Codec> field_as(const char* key, T Owner::*member) {
  return {key, member, nullptr};
}

/// The keys every recurrent layer (RNN, SimpleRNN, LSTM, GRU) writes before its cell's.
template <class O>
constexpr auto rnn_layer_fields() {
  return std::tuple{field("return_sequences", &O::return_sequences), field("return_state", &O::return_state),
                    field("go_backwards", &O::go_backwards),         field("stateful", &O::stateful),
                    field("unroll", &O::unroll),                     field("zero_output_for_mask", &O::zero_output_for_mask)};
}

}  // namespace keras::layers
