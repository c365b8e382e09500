#include "keras/callbacks/learning_rate.h"

#include <cmath>
#include <iostream>
#include <limits>

#include "callbacks/python_format.h"
#include "keras/models/model.h"

namespace keras::callbacks {

using keras::detail::cat;

namespace {
optimizers::Optimizer& optimizer_of(models::Model* model, const char* who) {
  if (!model || !model->optimizer()) throw ValueError(cat(who, ": the model has no optimizer; compile it first"));
  return *model->optimizer();
}
}  // namespace

LearningRateScheduler::LearningRateScheduler(Schedule schedule, int verbose)
    : schedule_(std::move(schedule)), verbose_(verbose) {
  if (!schedule_) throw ValueError("LearningRateScheduler: a schedule function is required");
}

void LearningRateScheduler::on_epoch_begin(int epoch, const Logs&) {
  auto& opt = optimizer_of(model(), "LearningRateScheduler");
  const double lr = schedule_(epoch, opt.learning_rate());
  if (!std::isfinite(lr))
    throw ValueError(cat("LearningRateScheduler: the schedule returned ", lr, " for epoch ", epoch,
                         "; it should return a finite float"));
  opt.set_learning_rate(lr);
  if (verbose_ > 0)
    std::cout << "\nEpoch " << epoch + 1 << ": LearningRateScheduler setting learning rate to " << detail::python_str(lr)
              << ".\n";
}

void LearningRateScheduler::update_epoch_logs(int, Logs& logs) {
  logs["learning_rate"] = optimizer_of(model(), "LearningRateScheduler").learning_rate();
}

void ReduceLROnPlateau::update_epoch_logs(int, Logs& logs) {
  logs["learning_rate"] = optimizer_of(model(), "ReduceLROnPlateau").learning_rate();
}

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauOptions o) : o_(std::move(o)) {
  if (o_.factor >= 1.0)
    throw ValueError(cat("ReduceLROnPlateau does not support a factor >= 1.0. Received factor=", o_.factor));
  if (o_.mode != "auto" && o_.mode != "min" && o_.mode != "max")
    throw ValueError(cat("ReduceLROnPlateau: mode must be \"auto\", \"min\" or \"max\", got \"", o_.mode, "\""));
  maximize_ = o_.mode == "max" || (o_.mode == "auto" && o_.monitor.find("acc") != std::string::npos);
}

bool ReduceLROnPlateau::improved(double current) const {
  return maximize_ ? current > best_ + o_.min_delta : current < best_ - o_.min_delta;
}

void ReduceLROnPlateau::on_train_begin(const Logs&) {
  best_ = maximize_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  wait_ = cooldown_counter_ = 0;
}

void ReduceLROnPlateau::on_epoch_end(int epoch, const Logs& logs) {
  auto it = logs.find(o_.monitor);
  if (it == logs.end()) {
    std::string available;
    for (const auto& [k, v] : logs) available += (available.empty() ? "" : ",") + k;
    std::cerr << "Learning rate reduction is conditioned on metric `" << o_.monitor
              << "` which is not available. Available metrics are: " << available << ".\n";
    return;
  }
  const double current = it->second;
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    wait_ = 0;
  }
  if (improved(current)) {
    best_ = current;
    wait_ = 0;
    return;
  }
  if (cooldown_counter_ > 0) return;
  if (++wait_ < o_.patience) return;
  auto& opt = optimizer_of(model(), "ReduceLROnPlateau");
  const double old_lr = opt.learning_rate();
  if (static_cast<float>(old_lr) > static_cast<float>(o_.min_lr)) {  // Keras compares float32 values
    const double new_lr = std::max(old_lr * o_.factor, o_.min_lr);
    opt.set_learning_rate(new_lr);
    if (o_.verbose > 0)
      std::cout << "\nEpoch " << epoch + 1 << ": ReduceLROnPlateau reducing learning rate to " << detail::python_str(new_lr)
                << ".\n";
    cooldown_counter_ = o_.cooldown;
    wait_ = 0;
  }
}

}  // namespace keras::callbacks
