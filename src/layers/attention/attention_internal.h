// Masks and the masked softmax shared by the attention layers (not public API). Masks
// are float32 tensors of 0 (masked) and 1 (kept) here, so "and" is a product and they
// broadcast like any tensor.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "keras/errors.h"
#include "keras/layers/call_kwargs.h"
#include "keras/tensor/tensor.h"

namespace keras::layers::attention_detail {

/// 1 where m is true / non-zero (Keras's cast(mask, "bool")), as float32.
Tensor keep(const Tensor& m);
/// a and b; either may be undefined (no mask).
Tensor both(const Tensor& a, const Tensor& b);
/// (1, T, S): 1 where row >= column (MultiHeadAttention._compute_causal_mask).
Tensor causal_mask(int64_t t, int64_t s, Device device);
/// (1, T, S): 1 where |row - column| < window (_compute_sliding_window_mask).
Tensor band_mask(int64_t t, int64_t s, int64_t window, Device device);
/// Softmax over the last `num_axes` axes of `scores` with masked cells at -1e9 (Keras's
/// Softmax layer with a mask; `mask` broadcasts to scores). With `zero_masked`, masked
/// cells are then set to 0 (the Softmax layer does; ops.dot_product_attention does not,
/// so a fully masked row stays uniform there).
Tensor masked_softmax(const Tensor& scores, const Tensor& mask, int64_t num_axes, bool zero_masked);
/// The query/value/key masks, causal and band masks and an explicit attention mask
/// combined as MultiHeadAttention._compute_attention_mask does: (B, T, S) or (1, T, S),
/// undefined when there is none.
Tensor attention_mask(const Tensor& query, const Tensor& value, const Tensor& query_mask, const Tensor& value_mask,
                      const Tensor& key_mask, const Tensor& explicit_mask, bool use_causal_mask,
                      std::optional<int64_t> sliding_window);

/// Projected query (B, T, N, H), key and value (B, S, N, ...) through the fused
/// ops.dot_product_attention, `mask` (B or 1, T, S), a per-head (B, N, T, S) or undefined; `causal` masks keys
/// after the query (Keras's tril) in the kernel.
Tensor fused_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, double scale,
                       bool causal);

/// ValueError unless `kw` are arguments of MultiHeadAttention / GroupedQueryAttention's
/// call: (query, value[, key]) and key, attention_mask, query_mask, value_mask, key_mask,
/// use_causal_mask, return_attention_scores, training.
void check_attention_kwargs(const CallKwargs& kw, const std::string& who);

/// The positions of query, value, key and the masks among the inputs, and the flags.
template <class Roles>
Roles attention_roles(const CallKwargs& kw, size_t num_inputs, const std::string& who) {
  check_attention_kwargs(kw, who);
  if (kw.num_args + kw.tensor_names.size() != num_inputs)
    throw ValueError(keras::detail::cat(who, " received ", num_inputs, " inputs for its ",
                                        kw.num_args + kw.tensor_names.size(), " arguments"));
  Roles r;
  if (kw.num_args == 3) r.key = 2;
  if (auto i = kw.tensor_index("key")) r.key = i;
  r.attention_mask = kw.tensor_index("attention_mask");
  r.query_mask = kw.tensor_index("query_mask");
  r.value_mask = kw.tensor_index("value_mask");
  r.key_mask = kw.tensor_index("key_mask");
  r.causal = kw.flag("use_causal_mask");
  r.scores = kw.flag("return_attention_scores");
  return r;
}

/// Records a symbolic or eager attention call's keyword arguments.
template <class T, class Call>
CallKwargs attention_kwargs(std::vector<T>& inputs, const Call& args) {
  CallKwargs kw{.num_args = 2, .args_as_list = false};
  auto add = [&](const auto& t, const char* name) {
    inputs.push_back(t);
    kw.tensor_names.push_back(name);
  };
  if constexpr (std::is_same_v<T, Tensor>) {
    if (args.key.defined()) add(args.key, "key");
    if (args.attention_mask.defined()) add(args.attention_mask, "attention_mask");
  } else {
    if (args.key) add(*args.key, "key");
    if (args.attention_mask) add(*args.attention_mask, "attention_mask");
  }
  if (args.return_attention_scores) kw.values["return_attention_scores"] = true;
  if (args.use_causal_mask) kw.values["use_causal_mask"] = true;
  return kw;
}

}  // namespace keras::layers::attention_detail
