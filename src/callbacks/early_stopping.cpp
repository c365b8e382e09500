#include "keras/callbacks/early_stopping.h"

#include <iostream>

#include "keras/models/model.h"

namespace keras::callbacks {

EarlyStopping::EarlyStopping(EarlyStoppingOptions options) : o_(std::move(options)) {
  if (o_.mode != "auto" && o_.mode != "min" && o_.mode != "max")
    throw ValueError("EarlyStopping: mode must be \"auto\", \"min\" or \"max\", got \"" + o_.mode + "\"");
  if (o_.mode == "max") maximize_ = true;
  else if (o_.mode == "auto")
    maximize_ = o_.monitor.find("acc") != std::string::npos || o_.monitor.find("auc") != std::string::npos;
}

bool EarlyStopping::improved(double value, double reference) const {
  const double delta = std::abs(o_.min_delta);
  return maximize_ ? value - delta > reference : value + delta < reference;
}

void EarlyStopping::on_train_begin(const Logs&) {
  wait_ = stopped_epoch_ = best_epoch_ = 0;
  best_.reset();
  best_weights_.clear();
}

void EarlyStopping::on_epoch_end(int epoch, const Logs& logs) {
  auto it = logs.find(o_.monitor);
  if (it == logs.end()) {
    std::string available;
    for (const auto& [k, v] : logs) available += (available.empty() ? "" : ",") + k;
    std::cerr << "Early stopping conditioned on metric `" << o_.monitor
              << "` which is not available. Available metrics are: " << available << "\n";
    return;
  }
  if (epoch < o_.start_from_epoch) return;
  const double value = it->second;
  if (o_.restore_best_weights && best_weights_.empty()) best_weights_ = model()->get_weights();
  ++wait_;
  const double reference = best_ ? *best_ : (o_.baseline ? *o_.baseline : (maximize_ ? -1e300 : 1e300));
  if (improved(value, reference)) {
    best_ = value;
    best_epoch_ = epoch;
    if (o_.restore_best_weights) best_weights_ = model()->get_weights();
    if (!o_.baseline || improved(value, *o_.baseline)) wait_ = 0;
    return;
  }
  if (wait_ >= o_.patience && epoch > 0) {
    stopped_epoch_ = epoch;
    model()->stop_training = true;
  }
}

void EarlyStopping::on_train_end(const Logs&) {
  if (stopped_epoch_ > 0 && o_.verbose > 0) std::cout << "Epoch " << stopped_epoch_ + 1 << ": early stopping\n";
  if (o_.restore_best_weights && !best_weights_.empty()) {
    if (o_.verbose > 0) std::cout << "Restoring model weights from the end of the best epoch: " << best_epoch_ + 1 << ".\n";
    model()->set_weights(best_weights_);
  }
}

}  // namespace keras::callbacks
