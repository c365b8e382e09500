// keras.callbacks.ProgbarLogger: "Epoch 1/3" and the progress bar; fit(), evaluate()
// and predict() add one when verbose is on.
#pragma once

#include <memory>

#include "keras/callbacks/callback.h"

namespace keras::utils {
class Progbar;
}

namespace keras::callbacks {

class ProgbarLogger : public Callback {
 public:
  ProgbarLogger();
  ~ProgbarLogger() override;
  void on_train_begin(const Logs& logs) override;
  void on_epoch_begin(int epoch, const Logs& logs) override;
  void on_train_batch_end(int64_t batch, const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_test_begin(const Logs& logs) override;
  void on_test_batch_end(int64_t batch, const Logs& logs) override;
  void on_test_end(const Logs& logs) override;
  void on_predict_begin(const Logs& logs) override;
  void on_predict_batch_end(int64_t batch, const Logs& logs) override;
  void on_predict_end(const Logs& logs) override;

 private:
  void reset_progbar();
  void update(int64_t batch, const Logs& logs, bool finalize);

  std::unique_ptr<utils::Progbar> progbar_;
  int64_t seen_ = 0;
  bool in_fit_ = false;
};

}  // namespace keras::callbacks
