#include "keras/callbacks/backup_and_restore.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "keras/errors.h"
#include "keras/models/model.h"
#include "keras/utils/file_utils.h"

namespace keras::callbacks {

using keras::detail::cat;
namespace fs = std::filesystem;

BackupAndRestore::BackupAndRestore(std::string backup_dir, BackupAndRestoreOptions o)
    : backup_dir_(std::move(backup_dir)), o_(o) {
  if (backup_dir_.empty()) throw ValueError("BackupAndRestore: empty `backup_dir` argument passed");
  if (o_.save_freq < 0)
    throw ValueError(
        cat("BackupAndRestore: save_freq must be 0 (every epoch) or a positive number of batches, got ", o_.save_freq));
  weights_path_ = (fs::path(backup_dir_) / "latest.weights.h5").string();
  metadata_path_ = (fs::path(backup_dir_) / "training_metadata.json").string();
}

bool BackupAndRestore::restore(const std::string& weights, const std::string& metadata) {
  bool restored = false;
  if (fs::exists(weights)) {
    model()->load_weights(weights);
    restored = true;
  }
  if (fs::exists(metadata)) {
    std::ifstream in(metadata);
    std::stringstream text;
    text << in.rdbuf();
    const auto j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("epoch") || !j["epoch"].is_number_integer() || j["epoch"].get<int64_t>() < 0 ||
        j["epoch"].get<int64_t>() > 1'000'000'000)
      throw IOError(cat("BackupAndRestore: ", metadata, " is not a training metadata file ({\"epoch\": N, ...})"));
    model()->resume_at_epoch = static_cast<int>(j["epoch"].get<int64_t>());
    restored = true;
  }
  return restored;
}

void BackupAndRestore::on_train_begin(const Logs&) {
  current_epoch_ = 0;
  last_batch_seen_ = batches_since_save_ = 0;
  try {
    restore(weights_path_, metadata_path_);
  } catch (const std::exception&) {
    // Keras: a latest backup that cannot be read falls back to the previous one, if kept.
    if (!o_.double_checkpoint || !fs::exists(weights_path_ + ".bkp")) throw;
    model()->resume_at_epoch.reset();
    restore(weights_path_ + ".bkp", metadata_path_ + ".bkp");
  }
}

void BackupAndRestore::save() {
  fs::create_directories(backup_dir_);
  // With several processes (DataParallel) rank 0 keeps the files; save_weights is
  // collective (rank 0 writes, all wait), the rest is rank 0's alone.
  const bool chief = model()->distribution()->is_chief();
  if (o_.double_checkpoint && chief) {
    for (const std::string& p : {weights_path_, metadata_path_})
      if (fs::exists(p)) fs::copy_file(p, p + ".bkp", fs::copy_options::overwrite_existing);
  }
  model()->save_weights(weights_path_);
  write_metadata();
}

void BackupAndRestore::write_metadata() const {
  const std::string text = cat("{\"epoch\": ", current_epoch_, ", \"batch\": ", last_batch_seen_, "}");
  utils::write_file_atomically(metadata_path_, [&](std::ostream& out) { out << text; });
}

void BackupAndRestore::on_epoch_end(int epoch, const Logs&) {
  current_epoch_ = epoch + 1;
  last_batch_seen_ = 0;
  if (o_.save_freq == 0) {
    save();
  } else if (batches_since_save_ == 0 && fs::exists(metadata_path_)) {
    // The epoch's last batch was just saved: those weights are the epoch's end, so a
    // resumed fit starts at the next epoch instead of running this one again (where
    // Keras's record would still name this epoch).
    write_metadata();
  }
}

void BackupAndRestore::on_train_batch_end(int64_t batch, const Logs&) {
  if (o_.save_freq == 0) return;
  // Batches count from 0 in each epoch: a smaller index than the last starts a new one.
  batches_since_save_ += batch <= last_batch_seen_ ? batch + 1 : batch - last_batch_seen_;
  last_batch_seen_ = batch;
  if (batches_since_save_ >= o_.save_freq) {
    batches_since_save_ = 0;
    save();
  }
}

void BackupAndRestore::on_train_end(const Logs&) {
  if (!o_.delete_checkpoint || !model()->distribution()->is_chief()) return;
  // Keras removes backup_dir; only what this callback wrote goes here, then the folder
  // if that left it empty, so a mistaken backup_dir never costs the user other files.
  std::error_code ec;
  for (const std::string& p : {weights_path_, metadata_path_, weights_path_ + ".bkp", metadata_path_ + ".bkp"})
    fs::remove(p, ec);
  if (fs::is_empty(backup_dir_, ec) && !ec) fs::remove(backup_dir_, ec);
}

}  // namespace keras::callbacks
