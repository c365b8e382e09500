// keras.callbacks.LambdaCallback: a callback made of functions, for the small jobs that do
// not deserve a class (printing, collecting a value, stopping on a condition).
//
//   callbacks::LambdaCallback({.on_epoch_end = [](int epoch, const callbacks::Logs& logs) {
//     std::cout << epoch << " " << logs.at("loss") << "\n";
//   }});
#pragma once

#include <functional>

#include "keras/callbacks/callback.h"

namespace keras::callbacks {

/// Each function is called at its moment when set (Keras's argument names).
struct LambdaCallbackOptions {
  std::function<void(int epoch, const Logs&)> on_epoch_begin{};
  std::function<void(int epoch, const Logs&)> on_epoch_end{};
  std::function<void(const Logs&)> on_train_begin{};
  std::function<void(const Logs&)> on_train_end{};
  std::function<void(int64_t batch, const Logs&)> on_train_batch_begin{};
  std::function<void(int64_t batch, const Logs&)> on_train_batch_end{};
};

class LambdaCallback : public Callback {
 public:
  explicit LambdaCallback(LambdaCallbackOptions options) : o_(std::move(options)) {}
  void on_epoch_begin(int epoch, const Logs& logs) override {
    if (o_.on_epoch_begin) o_.on_epoch_begin(epoch, logs);
  }
  void on_epoch_end(int epoch, const Logs& logs) override {
    if (o_.on_epoch_end) o_.on_epoch_end(epoch, logs);
  }
  void on_train_begin(const Logs& logs) override {
    if (o_.on_train_begin) o_.on_train_begin(logs);
  }
  void on_train_end(const Logs& logs) override {
    if (o_.on_train_end) o_.on_train_end(logs);
  }
  void on_train_batch_begin(int64_t batch, const Logs& logs) override {
    if (o_.on_train_batch_begin) o_.on_train_batch_begin(batch, logs);
  }
  void on_train_batch_end(int64_t batch, const Logs& logs) override {
    if (o_.on_train_batch_end) o_.on_train_batch_end(batch, logs);
  }

 private:
  LambdaCallbackOptions o_;
};

}  // namespace keras::callbacks
