// keras.layers.Bidirectional (keras/src/layers/rnn/bidirectional.py): runs a recurrent
// layer forwards and a copy of it backwards (go_backwards flipped) over the same input,
// and merges the two outputs. The backward sequence is flipped back to input order
// before merging, so step t of both halves refers to input step t.
//
// Args: layer (SimpleRNN, LSTM, GRU or RNN; its copies are named forward_<name> and
//   backward_<name>); merge_mode "concat" (default), "sum", "mul", "ave", or none
//   (nullopt: both outputs are returned); backward_layer (a separate layer to run
//   backwards; it must have go_backwards=true and match return_sequences/return_state).
// With return_state the outputs are [merged, forward states..., backward states...].
//
//   layers::Bidirectional(layers::LSTM(64, {.return_sequences = true}));
#pragma once

#include "keras/layers/rnn/rnn.h"

namespace keras::layers {

struct BidirectionalOptions {
  std::optional<std::string> merge_mode = "concat";
  std::optional<LayerHandle> backward_layer{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  // layer and backward_layer are nested layer entries (see Bidirectional::get_config)
  static constexpr auto fields() { return std::tuple{field("merge_mode", &BidirectionalOptions::merge_mode)}; }
};

class Bidirectional : public Concrete<Bidirectional> {
 public:
  explicit Bidirectional(LayerHandle layer, BidirectionalOptions options = {});

  void build(const std::vector<Shape>& input_shapes) override;
  TensorList call(const TensorList& inputs, const CallContext& ctx) override;
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  TensorList compute_mask(const TensorList& inputs, const TensorList& masks, size_t num_outputs) override;
  std::vector<std::pair<std::string, std::shared_ptr<Layer>>> named_sublayers() const override {
    return {{"forward_layer", forward_}, {"backward_layer", backward_}};
  }

  const std::shared_ptr<RNN>& forward_layer() const { return forward_; }
  const std::shared_ptr<RNN>& backward_layer() const { return backward_; }
  const std::optional<std::string>& merge_mode() const { return merge_mode_; }
  void reset_states() {
    forward_->reset_states();
    backward_->reset_states();
  }

 private:
  std::shared_ptr<RNN> forward_, backward_;
  std::optional<std::string> merge_mode_;
};

}  // namespace keras::layers
