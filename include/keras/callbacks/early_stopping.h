// keras.callbacks.EarlyStopping: stops fit() when `monitor` has not improved by
// min_delta for `patience` epochs; optionally restores the best weights.
#pragma once

#include <optional>

#include "keras/callbacks/callback.h"
#include "keras/tensor/tensor.h"

namespace keras::callbacks {

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  double min_delta = 0.0;
  int patience = 0;
  int verbose = 0;
  std::string mode = "auto";  // "min", "max", or "auto" (max for accuracy-like names)
  std::optional<double> baseline{};
  bool restore_best_weights = false;
  int start_from_epoch = 0;
};

class EarlyStopping : public Callback {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});
  void on_train_begin(const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end(const Logs& logs) override;
  /// The epoch at which training was stopped (0 if it ran to the end).
  int stopped_epoch() const { return stopped_epoch_; }

 private:
  bool improved(double value, double reference) const;

  EarlyStoppingOptions o_;
  bool maximize_ = false;
  int wait_ = 0, stopped_epoch_ = 0, best_epoch_ = 0;
  std::optional<double> best_;
  std::vector<Tensor> best_weights_;
};

}  // namespace keras::callbacks
