// keras.callbacks.BackupAndRestore: lets an interrupted fit() resume. At the end of every
// epoch (or every `save_freq` batches) it writes the weights and the optimizer state to
// backup_dir/latest.weights.h5 and the epoch to backup_dir/training_metadata.json, both
// atomically; a later fit() with the same callback loads them in on_train_begin and
// starts at the saved epoch. A finished fit deletes the backup (delete_checkpoint).
//
//   model.fit(x, y, {.epochs = 10, .callbacks = {std::make_shared<callbacks::BackupAndRestore>("/tmp/backup")}});
#pragma once

#include <string>

#include "keras/callbacks/callback.h"

namespace keras::callbacks {

struct BackupAndRestoreOptions {
  /// Save at each epoch's end (0, Keras's "epoch") or every this many training batches.
  int64_t save_freq = 0;
  /// Keep the previous backup as well (*.bkp) and fall back to it when the latest one
  /// cannot be read.
  bool double_checkpoint = false;
  /// Remove the backup when fit() ends normally.
  bool delete_checkpoint = true;
};

class BackupAndRestore : public Callback {
 public:
  /// ValueError when backup_dir is empty or save_freq negative.
  explicit BackupAndRestore(std::string backup_dir, BackupAndRestoreOptions options = {});
  void on_train_begin(const Logs& logs) override;
  /// A save within an epoch records that epoch, which a resumed fit() runs again.
  void on_epoch_begin(int epoch, const Logs& logs) override { current_epoch_ = epoch; }
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_batch_end(int64_t batch, const Logs& logs) override;
  void on_train_end(const Logs& logs) override;

  const std::string& weights_path() const { return weights_path_; }
  const std::string& metadata_path() const { return metadata_path_; }

 private:
  /// Loads the backup into the model; false when there is none.
  bool restore(const std::string& weights, const std::string& metadata);
  void save();
  void write_metadata() const;

  std::string backup_dir_, weights_path_, metadata_path_;
  BackupAndRestoreOptions o_;
  int current_epoch_ = 0;
  int64_t last_batch_seen_ = 0, batches_since_save_ = 0;
};

}  // namespace keras::callbacks
