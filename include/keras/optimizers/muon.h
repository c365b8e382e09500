// Muon (keras.optimizers.Muon, keras/src/optimizers/muon.py): momentum orthogonalized by
// a Newton-Schulz iteration for 2-D weights; AdamW for the others (rank != 2, embeddings
// when exclude_embeddings, paths matching exclude_layers). Each variable gets a momentum
// slot, and a velocity too when AdamW updates it.
#pragma once

#include <memory>

#include "keras/optimizers/optimizer.h"

namespace keras::optimizers {

/// keras.optimizers.Muon's arguments, in its order, with its defaults.
struct MuonOptions {
  LearningRate learning_rate = 0.001;
  double adam_beta_1 = 0.9;
  double adam_beta_2 = 0.999;
  double adam_weight_decay = 0.004;
  double epsilon = 1e-7;
  std::optional<double> weight_decay = 0.004;
  std::optional<double> clipnorm{};
  std::optional<double> clipvalue{};
  std::optional<double> global_clipnorm{};
  bool use_ema = false;
  double ema_momentum = 0.99;
  std::optional<int64_t> ema_overwrite_frequency{};
  std::optional<double> loss_scale_factor{};
  std::optional<int64_t> gradient_accumulation_steps{};
  std::string name = "muon";
  std::vector<std::string> exclude_layers{};  ///< regular expressions searched in variable paths
  bool exclude_embeddings = true;
  double muon_a = 3.4445;
  double muon_b = -4.775;
  double muon_c = 2.0315;
  double adam_lr_ratio = 1.0;
  double momentum = 0.95;
  int64_t ns_steps = 5;
  bool nesterov = true;
  std::optional<double> rms_rate = 0.2;
};

class Muon : public Optimizer {
 public:
  explicit Muon(MuonOptions o = {});
  std::string class_name() const override { return "Muon"; }
  ConfigMap get_config() const override;
  const MuonOptions& options() const { return o_; }
  /// From the config Keras writes (its get_config keys; absent keys take the defaults).
  static std::shared_ptr<Muon> from_config(const ConfigMap& config);
  /// Whether AdamW, not Muon, updates `variable` (Keras's _should_use_adamw).
  bool should_use_adamw(const Variable& variable) const;

 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const override;
  std::optional<double> weight_decay_for(const Variable& variable) const override;

 private:
  MuonOptions o_;
};

}  // namespace keras::optimizers
