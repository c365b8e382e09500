// keras.callbacks.ModelCheckpoint: saves the model (or only its weights) during fit(),
// every epoch or every `save_freq` batches, optionally only when `monitor` improves.
// The file path may name the epoch, the batch (with a batch save_freq) and log values as
// Python's str.format does:
//   ModelCheckpoint("ckpt/model-{epoch:02d}-{val_loss:.3f}.keras", {.save_best_only = true});
// Files end in ".keras" or ".h5" (whole model) or ".weights.h5" (save_weights_only), and
// are written atomically, so an interrupted save keeps the previous checkpoint.
#pragma once

#include <optional>
#include <string>

#include "keras/callbacks/callback.h"

namespace keras::callbacks {

struct ModelCheckpointOptions {
  std::string monitor = "val_loss";
  int verbose = 0;
  bool save_best_only = false;
  bool save_weights_only = false;
  std::string mode = "auto";  // "min", "max", or "auto" (max when the name contains "acc")
  /// Save every epoch (0, Keras's "epoch") or every this many training batches.
  int64_t save_freq = 0;
  std::optional<double> initial_value_threshold{};
};

class ModelCheckpoint : public Callback {
 public:
  explicit ModelCheckpoint(std::string filepath, ModelCheckpointOptions options = {});
  void on_train_batch_end(int64_t batch, const Logs& logs) override;
  void on_epoch_begin(int epoch, const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  /// The best monitored value so far (save_best_only).
  double best() const { return best_; }
  /// The path the last save wrote, empty before the first.
  const std::string& last_saved() const { return last_saved_; }

 private:
  void save(int epoch, const Logs& logs, int64_t batch);  // batch -1 at an epoch's end

  std::string filepath_;
  ModelCheckpointOptions o_;
  bool maximize_ = false;
  double best_;
  int current_epoch_ = 0;
  int64_t batches_since_save_ = 0;
  std::string last_saved_;
};

/// Python's str.format for the fields a checkpoint path uses: "{epoch}", "{epoch:03d}",
/// "{val_loss:.4f}", "{loss:e}"; "{{" and "}}" are literal braces. A name missing from
/// `values` is a ValueError naming the available keys.
std::string format_path(const std::string& pattern, const Logs& values);

}  // namespace keras::callbacks
