// At inference a Functional graph runs some chains of layers as one convolution:
//   [ZeroPadding] -> Conv -> [BatchNormalization] -> [Add(residual)] -> [activation]
// (at least one besides the convolution), the zeros as the convolution's own padding
// (no padded copy: MobileNetV2's and EfficientNet's strided blocks, ResNet's stem), the
// BatchNormalization folded into a per-channel scale and shift, the residual added and
// the activation applied as oneDNN post-ops in the convolution's own pass
// (ops::detail::conv_fused). A Dropout (or SpatialDropout, GaussianDropout,
// GaussianNoise: the identity at inference) anywhere after the convolution is passed
// over (EfficientNet's Dropout before its residual Add). Keras files keep these layers
// apart; running them apart costs a pass over the activations for each one. The numbers
// change by float32 rounding only.
//
// A chain is planned from the graph alone: each link's output is read by the next link
// only (and is not a model output), the layers are exactly the library's own classes
// (a subclass may override call), channels last, and the residual is produced before the
// convolution runs. Whether a planned chain runs fused is decided per call (float32
// tensors, or bfloat16 under a mixed policy; no masks, no activity regularizer, no
// GradientTape recording); otherwise the model runs its steps one by one as before.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "backend/backend.h"
#include "keras/layers/layer.h"

namespace keras::models::fusion {

/// One step of a graph as the planner sees it (Model's execution order).
struct StepView {
  layers::Layer* layer = nullptr;
  const std::vector<int>* in_slots = nullptr;
  const std::vector<int>* out_slots = nullptr;
  std::vector<int> other_reads;  // an explicit mask or initial_state
  bool plain = true;             // called with its inputs only (no mask, initial_state or kwargs)
};

/// Steps of one chain, by index into the steps; `conv` runs them all.
struct ConvChain {
  size_t conv = 0;
  std::optional<size_t> pad;  // a ZeroPadding whose output only the convolution reads
  std::optional<size_t> norm, add, activation;
  std::vector<size_t> identities;        // Dropout and the like between or after the links: x at inference
  int residual_slot = -1;                // the Add's other input
  bool residual_read_only_here = false;  // no step from the convolution on but the Add reads it
  int out_slot = -1;                     // the last step's output
  backend::ConvActivation act = backend::ConvActivation::none;
  /// The step the chain runs at: the ZeroPadding's, else the convolution's.
  size_t first() const { return pad ? *pad : conv; }
  /// The steps the chain stands for after its first.
  std::vector<size_t> absorbed() const;
};

/// The chains of a graph, indexed by their first step (nullopt elsewhere). A convolution
/// after a ZeroPadding has two: one at the padding's step and, for when that one steps
/// aside at run time, one at its own.
/// `pinned_slots`: slots read from outside the steps (the model's outputs).
std::vector<std::optional<ConvChain>> plan(const std::vector<StepView>& steps, int num_slots,
                                           const std::vector<int>& pinned_slots);

/// The chain's output for its first step's input x and the residual (moved in; undefined
/// without an Add), or nullopt when this call cannot run fused (the caller then runs the
/// steps one by one; the residual is left untouched then).
std::optional<Tensor> run(const ConvChain& chain, const std::vector<StepView>& steps, const Tensor& x,
                          Tensor& residual);

/// Creates what run() will need for an input of shape `x_shape` in `x_dtype` (the
/// backend's primitive) without running anything; safe from any thread. Whether
/// anything was created.
bool prepare(const ConvChain& chain, const std::vector<StepView>& steps, const Shape& x_shape, DType x_dtype);

/// Chain n's input shape and dtype at this call, when the graph knows them.
using ChainInput = std::function<std::optional<std::pair<Shape, DType>>(size_t n)>;
/// For a graph's call at inference, before it runs: when its first chain's convolution
/// is not created yet (a first call at these shapes), creates every chain's up front on
/// config::num_threads() threads at once (creating a oneDNN primitive takes ~0.5-1 ms
/// of one thread; a deep network has dozens). Whether it did.
bool prepare_all(const std::vector<std::optional<ConvChain>>& chains, const std::vector<StepView>& steps,
                 const ChainInput& input_of);
/// How many calls prepare_all prepared in this process (tests).
size_t prepared_calls();

/// How many chains ran fused in this process (tests check that fusion happens).
size_t fused_runs();

}  // namespace keras::models::fusion
