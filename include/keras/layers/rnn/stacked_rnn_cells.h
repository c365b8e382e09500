// keras.layers.StackedRNNCells (keras/src/layers/rnn/stacked_rnn_cells.py): a list of
// cells that behaves as one cell, for RNN. Each step runs the cells in order, each on the
// previous cell's output; the states are every cell's states in order (an LSTMCell adds
// h and c), the output is the last cell's. RNN({cells...}) wraps a list in one.
//
// Args: cells (the cells, in order; each built for the previous one's output).
// Weights: every cell's, in order, saved under cell/cells/<snake_case(class)>[_n].
//
//   layers::RNN(layers::StackedRNNCells({std::make_shared<layers::GRUCell>(8),
//                                        std::make_shared<layers::LSTMCell>(4)}));
#pragma once

#include "keras/layers/rnn/rnn_cell.h"

namespace keras::layers {

class StackedRNNCells : public Concrete<StackedRNNCells, RNNCell> {
 public:
  using Options = LayerArgs;
  explicit StackedRNNCells(std::vector<std::shared_ptr<RNNCell>> cells, LayerArgs options = {});

  int num_states() const override;
  int step_input_rank() const override { return cells_.front()->step_input_rank(); }
  std::vector<Shape> state_shapes(const Shape& step_input) const override;
  Shape output_shape(const Shape& step_input) const override;
  DropoutMasks dropout_masks(const Shape& step_input) override;
  Tensor drop_inputs(const Tensor& x, const DropoutMasks& masks) const override;
  /// The first cell's projection; the others project inside step().
  Tensor project_inputs(const Tensor& x) const override { return cells_.front()->project_inputs(x); }
  TensorList step(const Tensor& projected, const TensorList& states, const DropoutMasks& masks) const override;
  void build(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::vector<std::pair<std::string, std::shared_ptr<Layer>>> named_sublayers() const override;

  const std::vector<std::shared_ptr<RNNCell>>& cells() const { return cells_; }

 private:
  std::vector<std::shared_ptr<RNNCell>> cells_;
};

}  // namespace keras::layers
