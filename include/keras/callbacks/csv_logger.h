// keras.callbacks.CSVLogger: one row per epoch ("epoch" then the logs' keys, sorted;
// "val_" columns filled with NA when there is no validation), as Keras writes it. Every
// epoch rewrites the file atomically, so a crash never leaves a torn file.
#pragma once

#include <string>
#include <vector>

#include "keras/callbacks/callback.h"

namespace keras::callbacks {

class CSVLogger : public Callback {
 public:
  explicit CSVLogger(std::string filename, std::string separator = ",", bool append = false);
  void on_train_begin(const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;

 private:
  std::string filename_, separator_;
  bool append_;
  std::string text_;  // what the file holds so far
  std::vector<std::string> keys_;
};

/// keras.callbacks.TerminateOnNaN: stops training after a batch whose loss is NaN or
/// infinite.
class TerminateOnNaN : public Callback {
 public:
  void on_train_batch_end(int64_t batch, const Logs& logs) override;
};

}  // namespace keras::callbacks
