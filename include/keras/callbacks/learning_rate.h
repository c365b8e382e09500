// Callbacks that change the optimizer's learning rate during fit():
//   LearningRateScheduler([](int epoch, double lr) { return epoch < 10 ? lr : lr * 0.9; });
//   ReduceLROnPlateau({.monitor = "val_loss", .factor = 0.5, .patience = 3});
#pragma once

#include <functional>
#include <string>

#include "keras/callbacks/callback.h"

namespace keras::callbacks {

/// keras.callbacks.LearningRateScheduler: at the start of each epoch sets the learning
/// rate to schedule(epoch, current learning rate) (epochs counted from 0).
class LearningRateScheduler : public Callback {
 public:
  using Schedule = std::function<double(int epoch, double learning_rate)>;
  explicit LearningRateScheduler(Schedule schedule, int verbose = 0);
  void on_epoch_begin(int epoch, const Logs& logs) override;
  /// Logs the epoch's rate as "learning_rate", as Keras does.
  void update_epoch_logs(int epoch, Logs& logs) override;

 private:
  Schedule schedule_;
  int verbose_;
};

struct ReduceLROnPlateauOptions {
  std::string monitor = "val_loss";
  double factor = 0.1;
  int patience = 10;
  int verbose = 0;
  std::string mode = "auto";  // "min", "max", or "auto" (max when the name contains "acc")
  double min_delta = 1e-4;
  int cooldown = 0;
  double min_lr = 0.0;
};

/// keras.callbacks.ReduceLROnPlateau: multiplies the learning rate by `factor` (not
/// below min_lr) when `monitor` has not improved by min_delta for `patience` epochs, then
/// waits `cooldown` epochs before counting again.
class ReduceLROnPlateau : public Callback {
 public:
  explicit ReduceLROnPlateau(ReduceLROnPlateauOptions options = {});
  void on_train_begin(const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  /// Logs the rate the epoch ran with as "learning_rate", as Keras does.
  void update_epoch_logs(int epoch, Logs& logs) override;

 private:
  bool improved(double current) const;

  ReduceLROnPlateauOptions o_;
  bool maximize_ = false;
  double best_ = 0;
  int wait_ = 0, cooldown_counter_ = 0;
};

}  // namespace keras::callbacks
