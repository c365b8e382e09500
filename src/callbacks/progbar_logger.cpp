#include "keras/callbacks/progbar_logger.h"

#include <iostream>

#include "keras/utils/progbar.h"

namespace keras::callbacks {

namespace {
std::vector<std::pair<std::string, double>> as_values(const Logs& logs) {
  // Sorted by name, as Keras's logs print; an array shows its mean, as Keras's Progbar.
  std::map<std::string, double> all(logs.begin(), logs.end());
  for (const auto& [k, v] : logs.arrays) {
    const std::vector<float> values = v.astype(DType::float32).to_vector<float>();
    double sum = 0;
    for (float x : values) sum += x;
    all[k] = values.empty() ? 0.0 : sum / static_cast<double>(values.size());
  }
  return {all.begin(), all.end()};
}
}  // namespace

ProgbarLogger::ProgbarLogger() = default;
ProgbarLogger::~ProgbarLogger() = default;

void ProgbarLogger::reset_progbar() {
  seen_ = 0;
  progbar_ = std::make_unique<utils::Progbar>(params().steps > 0 ? std::optional<int64_t>(params().steps) : std::nullopt,
                                              utils::ProgbarOptions{.width = 20,
                                                                    .verbose = params().verbose,
                                                                    .interval = 0.05,
                                                                    .unit_name = "step",
                                                                    .dynamic_display = {}});
}

void ProgbarLogger::update(int64_t batch, const Logs& logs, bool finalize) {
  if (!progbar_) reset_progbar();
  seen_ = batch + 1;
  progbar_->update(seen_, as_values(logs), finalize);
}

void ProgbarLogger::on_train_begin(const Logs&) { in_fit_ = true; }

void ProgbarLogger::on_epoch_begin(int epoch, const Logs&) {
  reset_progbar();
  // Keras prints the epoch header only when there is more than one epoch.
  if (params().verbose && params().epochs > 1)
    std::cout << "Epoch " << epoch + 1 << "/" << params().epochs << "\n" << std::flush;
}

void ProgbarLogger::on_train_batch_end(int64_t batch, const Logs& logs) { update(batch, logs, false); }

void ProgbarLogger::on_epoch_end(int, const Logs& logs) {
  if (progbar_) progbar_->update(std::max<int64_t>(seen_, params().steps), as_values(logs), true);
  progbar_.reset();
}

void ProgbarLogger::on_test_begin(const Logs&) {
  if (!in_fit_) reset_progbar();
}

void ProgbarLogger::on_test_batch_end(int64_t batch, const Logs& logs) {
  if (!in_fit_) update(batch, logs, false);
}

void ProgbarLogger::on_test_end(const Logs& logs) {
  if (!in_fit_ && progbar_) {
    progbar_->update(std::max<int64_t>(seen_, params().steps), as_values(logs), true);
    progbar_.reset();
  }
}

void ProgbarLogger::on_predict_begin(const Logs&) { reset_progbar(); }
void ProgbarLogger::on_predict_batch_end(int64_t batch, const Logs&) { update(batch, {}, false); }
void ProgbarLogger::on_predict_end(const Logs&) {
  if (progbar_) progbar_->update(std::max<int64_t>(seen_, params().steps), {}, true);
  progbar_.reset();
}

}  // namespace keras::callbacks
