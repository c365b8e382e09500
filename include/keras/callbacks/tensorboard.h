// keras.callbacks.TensorBoard: writes TensorBoard event files during fit() and evaluate(),
// with Keras's folders and tag names (keras/src/callbacks/tensorboard.py):
//   <log_dir>/train/       "epoch_loss", "epoch_<metric>", "epoch_learning_rate" at step =
//                          epoch; "batch_<name>" at step = global batch number (from 1)
//                          with an integer update_freq; "<weight path>/histogram" (and
//                          "/image") at step = epoch with histogram_freq; the model config
//                          as tag "keras" (the graph_keras_model plugin) at step 0
//   <log_dir>/validation/  "epoch_<name>" for the val_ logs at step = epoch, and
//                          "evaluation_<name>_vs_iterations" at step = optimizer.iterations
// No TensorFlow is needed: the files are written directly (TFRecord framing, hand-encoded
// Event protos) and read by any TensorBoard.
//
//   auto tb = std::make_shared<callbacks::TensorBoard>(callbacks::TensorBoardOptions{
//       .log_dir = "logs/run1", .histogram_freq = 1, .update_freq = 100});
//   model.fit(x, y, {.epochs = 5, .callbacks = {tb}, .validation_data = ...});
//
// One difference from Keras with TensorFlow: with an integer update_freq, Keras's epoch and
// evaluation summaries are only recorded when the global batch count happens to be a
// multiple of update_freq (its record_if condition stays active); here they always are.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <variant>

#include "keras/callbacks/callback.h"

namespace keras::callbacks {

namespace tensorboard {
class EventFileWriter;
}

/// update_freq: "epoch", "batch" (every batch) or a number of batches.
class UpdateFreq {
 public:
  UpdateFreq(const char* mode) : mode_(mode ? mode : "") {}             // NOLINT: implicit, like Keras's str
  UpdateFreq(std::string mode) : mode_(std::move(mode)) {}              // NOLINT
  UpdateFreq(int batches) : batches_(batches), is_number_(true) {}      // NOLINT
  UpdateFreq(int64_t batches) : batches_(batches), is_number_(true) {}  // NOLINT
  /// Whether a number of batches was given (otherwise mode() holds the string).
  bool is_number() const { return is_number_; }
  /// "epoch", "batch", or another string (invalid); empty for a number.
  const std::string& mode() const { return mode_; }
  /// The number of batches ("batch" = 1); 0 for "epoch".
  int64_t batches() const { return mode_ == "batch" ? 1 : batches_; }
  bool per_epoch() const { return mode_ == "epoch"; }

 private:
  std::string mode_;
  int64_t batches_ = 0;
  bool is_number_ = false;
};

/// embeddings_metadata: none, one metadata file for every Embedding layer, or layer name
/// -> metadata file.
using EmbeddingsMetadata = std::variant<std::monostate, std::string, std::map<std::string, std::string>>;

struct TensorBoardOptions {  // keras.callbacks.TensorBoard.__init__ order and defaults
  std::string log_dir = "logs";
  /// Write weight histograms every this many epochs (0: never).
  int histogram_freq = 0;
  /// Write the model config (the conceptual graph) when training starts.
  bool write_graph = true;
  /// With histogram_freq: also write the weights as images.
  bool write_images = false;
  /// Log "steps_per_second" each epoch (and "batch_steps_per_second" with update_freq).
  bool write_steps_per_second = false;
  UpdateFreq update_freq = "epoch";
  /// Profiling is not available: must be 0 (as Keras requires on its torch and numpy backends).
  int64_t profile_batch = 0;
  /// Save the model's weights for the embedding projector every this many epochs (0: never).
  int embeddings_freq = 0;
  EmbeddingsMetadata embeddings_metadata{};
};

class TensorBoard : public Callback {
 public:
  explicit TensorBoard(TensorBoardOptions options = {});
  ~TensorBoard() override;
  TensorBoard(const TensorBoard&) = delete;
  TensorBoard& operator=(const TensorBoard&) = delete;

  void on_train_begin(const Logs& logs) override;
  void on_train_end(const Logs& logs) override;
  void on_epoch_begin(int epoch, const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_batch_begin(int64_t batch, const Logs& logs) override;
  void on_train_batch_end(int64_t batch, const Logs& logs) override;
  void on_test_end(const Logs& logs) override;

  const TensorBoardOptions& options() const { return o_; }
  /// The arguments under Keras's names, in its order ("batch" is stored as 1, as Keras does).
  nlohmann::ordered_json get_config() const;
  static std::shared_ptr<TensorBoard> from_config(const nlohmann::ordered_json& config);

 private:
  bool writes_files() const;
  tensorboard::EventFileWriter& train_writer();
  tensorboard::EventFileWriter& val_writer();
  void close_writers();
  void write_model_config();
  void configure_embeddings();
  void log_weights(int epoch);

  TensorBoardOptions o_;
  std::string train_dir_, val_dir_;
  std::unique_ptr<tensorboard::EventFileWriter> train_, val_;
  int64_t global_train_batch_ = 0;
  int64_t epoch_start_iterations_ = 0;
  std::chrono::steady_clock::time_point epoch_start_, batch_start_;
};

}  // namespace keras::callbacks
