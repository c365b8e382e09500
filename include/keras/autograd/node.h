// A recorded operation on the gradient tape: how to turn the gradients of its outputs
// into the gradients of its inputs. Ops create Nodes through record(); users never do.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::autograd {

/// Returns one gradient per op input (an undefined Tensor where `needs_input_grad`
/// is false). `grad_outputs` has one defined gradient per op output.
using BackwardFn =
    std::function<TensorList(const TensorList& grad_outputs, const std::vector<bool>& needs_input_grad)>;

struct Node {
  /// Where the gradient of one op input goes: into the node that produced it, or into
  /// a leaf tensor (a weight, or a watched input).
  struct Input {
    std::shared_ptr<Node> node;
    uint32_t output_nr = 0;
    std::shared_ptr<detail::TensorImpl> leaf;
    bool needs_grad = false;
  };
  struct Output {
    Shape shape;
    DType dtype = DType::float32;
    Device device;
  };

  std::string name;
  BackwardFn backward;
  std::vector<Input> inputs;
  std::vector<Output> outputs;
};

/// True when a GradientTape is recording on this thread and one of `inputs` requires grad.
bool should_record(std::initializer_list<const Tensor*> inputs);
bool should_record(const TensorList& inputs);

/// Attaches a Node to `outputs` (which must be fresh tensors made by the op) so that
/// a later tape.gradient() can run `backward`. Call only when should_record() is true.
/// `backward` must not capture the outputs themselves (that would be a reference cycle):
/// capture `output.detach()` instead.
void record(std::string name, const TensorList& inputs, const std::vector<Tensor*>& outputs, BackwardFn backward);

}  // namespace keras::autograd
