// Callbacks (keras.callbacks): hooks fit/evaluate/predict call at epoch and batch
// boundaries with the current logs (name -> value, e.g. "loss", "val_accuracy").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::models {
class Model;
}

namespace keras::callbacks {

/// The logs callbacks get and evaluate() returns: each scalar result by name ("loss",
/// "val_accuracy"), and in `arrays` the metrics whose result has several values (F1Score
/// with average=None, Precision with a list of thresholds, R2Score without aggregation)
/// as float32 tensors of Keras's result shape ("f1_score", "val_f1_score").
struct Logs : std::map<std::string, double> {
  using std::map<std::string, double>::map;
  std::map<std::string, Tensor> arrays;
};

/// Training parameters handed to callbacks before training (Keras's callback.params).
struct Params {
  int epochs = 1;
  int64_t steps = 0;
  int verbose = 1;
};

class Callback {
 public:
  virtual ~Callback() = default;
  void set_model(models::Model* model) { model_ = model; }
  void set_params(const Params& params) { params_ = params; }

  virtual void on_train_begin(const Logs&) {}
  virtual void on_train_end(const Logs&) {}
  virtual void on_epoch_begin(int /*epoch*/, const Logs&) {}
  virtual void on_epoch_end(int /*epoch*/, const Logs&) {}
  /// Adds entries to an epoch's logs before any callback's on_epoch_end sees them (Keras's
  /// callbacks write into the logs dict; the learning-rate callbacks add "learning_rate").
  virtual void update_epoch_logs(int /*epoch*/, Logs& /*logs*/) {}
  virtual void on_train_batch_begin(int64_t /*batch*/, const Logs&) {}
  virtual void on_train_batch_end(int64_t /*batch*/, const Logs&) {}
  virtual void on_test_begin(const Logs&) {}
  virtual void on_test_end(const Logs&) {}
  virtual void on_test_batch_end(int64_t /*batch*/, const Logs&) {}
  virtual void on_predict_begin(const Logs&) {}
  virtual void on_predict_end(const Logs&) {}
  virtual void on_predict_batch_end(int64_t /*batch*/, const Logs&) {}

 protected:
  models::Model* model() const { return model_; }
  const Params& params() const { return params_; }

 private:
  models::Model* model_ = nullptr;
  Params params_;
};

/// What fit() returns: every epoch's logs (keras.callbacks.History).
class History : public Callback {
 public:
  void on_train_begin(const Logs&) override {}
  void on_epoch_end(int epoch, const Logs& logs) override;
  /// history["loss"][epoch], history["val_accuracy"][epoch], ...
  std::map<std::string, std::vector<double>> history;
  /// The logs' arrays per epoch: arrays["f1_score"][epoch] (one value per class).
  std::map<std::string, std::vector<Tensor>> arrays;
  std::vector<int> epoch;
};

}  // namespace keras::callbacks
