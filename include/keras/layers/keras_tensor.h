// Symbolic tensors and the call graph (keras.KerasTensor and keras's Node).
//
// keras::Input() returns a KerasTensor: a shape and dtype with no data, plus its history
// (the layer that produced it, which call of that layer, which output). Calling a layer
// on KerasTensors records a Node in the layer and returns new KerasTensors, so
//
//   auto x = keras::Input({784});
//   auto h = layers::Dense(64, "relu")(x);
//   auto y = layers::Dense(10)(h);
//   keras::Model model(x, y);
//
// builds a graph that Model walks.
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <vector>

#include "keras/errors.h"
#include "keras/tensor/dtype.h"
#include "keras/tensor/shape.h"

namespace keras::layers {

class Layer;
struct Node;

// Ownership runs one way, from outputs towards inputs: a KerasTensor owns the layer and
// the node that made it, a node owns its input tensors, and a layer only observes its
// nodes. So a graph lives exactly as long as some tensor or model holds its outputs, and
// a layer applied to its own output (y = d(d(x))) makes no reference cycle.
struct KerasTensor {
  Shape shape;  // batch dimension first (kNone when unknown)
  DType dtype = DType::float32;
  std::shared_ptr<Layer> layer;  // keras_history: the producing layer ...
  int node_index = 0;            // ... which of its calls ...
  int tensor_index = 0;          // ... and which output of that call
  std::shared_ptr<Node> node;    // that call itself
};

/// One or more symbolic tensors: what a layer takes and returns in the Functional API.
/// A single KerasTensor converts to it, and it converts back when it holds exactly one.
class KerasTensors : public std::vector<KerasTensor> {
 public:
  KerasTensors() = default;
  KerasTensors(const KerasTensor& t) : std::vector<KerasTensor>{t} {}  // NOLINT: implicit by design
  KerasTensors(std::initializer_list<KerasTensor> ts) : std::vector<KerasTensor>(ts) {}
  explicit KerasTensors(std::vector<KerasTensor> ts) : std::vector<KerasTensor>(std::move(ts)) {}
  operator const KerasTensor&() const {  // NOLINT
    if (size() != 1)
      throw ValueError(detail::cat("Expected a single symbolic tensor, but this call gives ", size(),
                                   "; index the result"));
    return front();
  }
  const Shape& shape() const { return static_cast<const KerasTensor&>(*this).shape; }
};

/// One call of a layer on symbolic inputs (keras/src/ops/node.py).
struct Node {
  std::vector<KerasTensor> inputs;  // empty for an InputLayer's own node
  std::optional<KerasTensor> mask;        // an explicit `mask` argument
  std::vector<KerasTensor> initial_state;  // recurrent layers' `initial_state` argument
  std::vector<Shape> output_shapes;
  std::vector<DType> output_dtypes;
  bool inputs_as_list = false;  // called with a list (merge layers) rather than one tensor
  bool is_input() const { return inputs.empty(); }
  /// Every tensor the call reads: inputs, then the mask, then the initial states.
  std::vector<KerasTensor> dependencies() const {
    std::vector<KerasTensor> out = inputs;
    if (mask) out.push_back(*mask);
    out.insert(out.end(), initial_state.begin(), initial_state.end());
    return out;
  }
};

}  // namespace keras::layers
