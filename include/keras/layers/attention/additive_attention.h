// keras.layers.AdditiveAttention (keras/src/layers/attention/additive_attention.py):
// Bahdanau-style attention, Attention with scores
//   scores_ij = Σ_d scale_d · tanh(query_id + key_jd)   (scale: (dim,), or 1 without use_scale)
// and otherwise the same call (masks, causal mask, scores returned, dropout).
//
// Args: use_scale (true); dropout (0); seed.
//
//   auto y = layers::AdditiveAttention()(KerasTensors{q, v});
#pragma once

#include "keras/layers/attention/attention.h"

namespace keras::layers {

struct AdditiveAttentionOptions {
  bool use_scale = true;
  double dropout = 0.0;
  std::optional<uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = AdditiveAttentionOptions;
    return std::tuple{field("use_scale", &O::use_scale), field("dropout", &O::dropout), field("seed", &O::seed)};
  }
};

class AdditiveAttention : public Concrete<AdditiveAttention, Attention> {
 public:
  using Options = AdditiveAttentionOptions;
  explicit AdditiveAttention(AdditiveAttentionOptions options = {});
  Config get_config() const override;
  const AdditiveAttentionOptions& additive_options() const { return additive_options_; }

 private:
  AdditiveAttentionOptions additive_options_;
};

}  // namespace keras::layers
