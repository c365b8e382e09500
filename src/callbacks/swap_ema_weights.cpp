#include "keras/callbacks/swap_ema_weights.h"

#include "keras/errors.h"
#include "keras/models/model.h"

namespace keras::callbacks {

void SwapEMAWeights::swap() {
  if (!model() || !model()->optimizer())
    throw ValueError("SwapEMAWeights: the model has no optimizer; compile it with one that has use_ema=true");
  model()->optimizer()->swap_moving_averages(model()->trainable_weights());
}

void SwapEMAWeights::put_averages_in_model(bool in_model) {
  if (averages_in_model_ == in_model) return;
  swap();
  averages_in_model_ = in_model;
}

void SwapEMAWeights::on_epoch_begin(int, const Logs&) {
  if (o_.swap_on_epoch) put_averages_in_model(false);
}

void SwapEMAWeights::on_epoch_end(int epoch, const Logs&) {
  if (!o_.swap_on_epoch) return;
  put_averages_in_model(true);
  // fit ends by copying the averages into the weights (finalize_variable_values); they
  // hold the trained weights now, so after the last epoch they get the averages again.
  // (Keras checks only for the last epoch; an early stop set by a callback before this
  // one is caught too.)
  if (epoch == params().epochs - 1 || model()->stop_training)
    model()->optimizer()->copy_variables_to_moving_averages(model()->trainable_weights());
}

void SwapEMAWeights::on_test_begin(const Logs&) { put_averages_in_model(true); }
void SwapEMAWeights::on_test_end(const Logs&) { put_averages_in_model(false); }
void SwapEMAWeights::on_predict_begin(const Logs&) { put_averages_in_model(true); }
// (Keras 3's on_predict_end tests the flag the wrong way round and leaves the averages in.)
void SwapEMAWeights::on_predict_end(const Logs&) { put_averages_in_model(false); }

}  // namespace keras::callbacks
