// Keyword arguments of a layer call beyond the inputs, `mask`, `initial_state` and
// `training` that CallContext / CallArgs carry: MultiHeadAttention(query, value,
// key=..., attention_mask=..., use_causal_mask=True, return_attention_scores=True),
// Attention([q, v], mask=[None, value_mask]), ReversibleEmbedding(x, reverse=True).
//
// Keras records them per call in the node's "kwargs" (config.json), and a layer may be
// called twice with different ones (a ReversibleEmbedding as embedding, then as logits).
// A layer whose call takes them derives from KwargsLayer as well as from Concrete: the
// tensor keyword arguments travel as extra inputs after the positional ones (so the
// graph orders and feeds them like any input), and the rest is recorded per call. The
// layer reads the arguments of the call it is running with current_kwargs().
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "keras/layers/layer.h"
#include "keras/utils/config.h"

namespace keras::layers {

/// The arguments of one call, as Keras writes them in a node's args and kwargs.
struct CallKwargs {
  /// inputs[0, num_args) are the positional arguments ...
  size_t num_args = 0;
  /// ... given as one list (Attention([query, value])) rather than one by one.
  bool args_as_list = false;
  /// The names of the inputs after the positional ones: "key", "attention_mask", or
  /// "mask/1" for element 1 of a list argument (whose skeleton is in `values`).
  std::vector<std::string> tensor_names{};
  /// The other keyword arguments as Keras writes them: {"use_causal_mask": true}; a list
  /// argument holding tensors appears with nulls where the tensors go.
  Config values = Config::object();

  /// The position among the inputs of the tensor keyword argument `name`, if given.
  std::optional<size_t> tensor_index(const std::string& name) const;
  /// A boolean keyword argument (`fallback` when absent or null).
  bool flag(const std::string& name, bool fallback = false) const;
};

class KwargsLayer {
 public:
  virtual ~KwargsLayer() = default;

  /// ValueError unless this layer's call takes these arguments (names the layer and the argument).
  virtual void check_call_kwargs(const CallKwargs& kw) const = 0;
  /// The build_config Keras writes for this layer when it is not {"input_shape": ...}
  /// (MultiHeadAttention's {"shapes_dict": {"query_shape", ...}}); nullopt for the default.
  virtual std::optional<Config> build_config() const { return std::nullopt; }

  /// The arguments of the call this layer is running (or building or shaping for) on this
  /// thread; for a plain call, all `num_inputs` inputs positional.
  CallKwargs current_kwargs(size_t num_inputs) const;
  /// The arguments call `node_index` of this layer was recorded with.
  CallKwargs node_kwargs(int node_index, size_t num_inputs) const;

  /// Runs `layer` (a KwargsLayer) eagerly on positional inputs followed by the tensor
  /// keyword arguments `kw` names.
  static TensorList call_with(Layer& layer, const TensorList& inputs, const CallKwargs& kw, const CallContext& ctx);
  /// Calls `layer` (a KwargsLayer) on symbolic tensors and records `kw` with the node.
  static KerasTensors call_symbolic_with(const std::shared_ptr<Layer>& layer, const KerasTensors& inputs,
                                         const CallKwargs& kw);

 protected:
  /// Whether the positional arguments are one list by default (Attention's [q, v, k]).
  virtual bool kwargs_args_as_list() const { return false; }

 private:
  std::map<int, CallKwargs> recorded_;
};

/// Makes `kw` the arguments `layer` sees through current_kwargs() on this thread while it
/// lives (the model runner opens one around each call of a KwargsLayer).
class CallKwargsScope {
 public:
  CallKwargsScope(const KwargsLayer* layer, const CallKwargs* kw);
  ~CallKwargsScope();
  CallKwargsScope(const CallKwargsScope&) = delete;
  CallKwargsScope& operator=(const CallKwargsScope&) = delete;

 private:
  const KwargsLayer* prev_layer_;
  const CallKwargs* prev_kw_;
};

}  // namespace keras::layers
