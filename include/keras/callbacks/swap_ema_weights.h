// keras.callbacks.SwapEMAWeights: evaluates (and predicts, and optionally checkpoints)
// with the optimizer's moving averages of the weights instead of the weights themselves.
// The optimizer needs use_ema=true:
//
//   model.compile({.optimizer = std::make_shared<optimizers::SGD>(optimizers::SGDOptions{.use_ema = true}), ...});
//   model.fit(x, y, {.validation_data = ..., .callbacks = {std::make_shared<callbacks::SwapEMAWeights>()}});
//
// The values are swapped in place, as Keras does, to save memory: other callbacks must not
// write the weights while the averages are in the model.
#pragma once

#include "keras/callbacks/callback.h"

namespace keras::callbacks {

struct SwapEMAWeightsOptions {
  /// Also swap at each epoch's end (and back at the next epoch's start), so that the
  /// callbacks after this one (ModelCheckpoint) see the averages; they then stay in the
  /// model after fit.
  bool swap_on_epoch = false;
};

class SwapEMAWeights : public Callback {
 public:
  explicit SwapEMAWeights(SwapEMAWeightsOptions options = {}) : o_(options) {}
  void on_epoch_begin(int epoch, const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_test_begin(const Logs& logs) override;
  void on_test_end(const Logs& logs) override;
  void on_predict_begin(const Logs& logs) override;
  void on_predict_end(const Logs& logs) override;

 private:
  void swap();
  void put_averages_in_model(bool in_model);

  SwapEMAWeightsOptions o_;
  bool averages_in_model_ = false;
};

}  // namespace keras::callbacks
