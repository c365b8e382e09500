#include "keras/callbacks/tensorboard.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "callbacks/tensorboard/event_file_writer.h"
#include "callbacks/tensorboard/events.h"
#include "callbacks/tensorboard/png.h"
#include "keras/models/model.h"
#include "keras/saving/saving.h"
#include "keras/utils/file_utils.h"

namespace keras::callbacks {

using detail::cat;
using tensorboard::EventFileWriter;
using tensorboard::wall_time_now;
namespace fs = std::filesystem;

namespace {

/// A weight as Keras's _log_weight_as_image shapes it: squeezed, a bias as a 1 x n column,
/// a matrix with the longer side down, a 3-D kernel as one image per output channel; only
/// (images, height, width, 1|3|4) can be drawn. tf.summary.image keeps the first 3 images
/// and turns floats into bytes as convert_image_dtype does: clip(x * 255.5, 0, 255).
std::vector<std::string> weight_images(const Tensor& weight, int64_t& height, int64_t& width) {
  std::vector<int64_t> dims;
  for (const int64_t d : weight.shape().dims())
    if (d != 1) dims.push_back(d);
  std::vector<float> v = weight.to_vector<float>();
  auto transpose2 = [&](int64_t rows, int64_t cols) {  // (rows, cols) -> (cols, rows)
    std::vector<float> t(v.size());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) t[static_cast<size_t>(c * rows + r)] = v[static_cast<size_t>(r * cols + c)];
    v = std::move(t);
  };
  std::vector<int64_t> img;  // (n, h, w, c)
  if (dims.size() == 1) {
    img = {1, dims[0], 1, 1};
  } else if (dims.size() == 2) {
    if (dims[0] > dims[1]) {
      transpose2(dims[0], dims[1]);
      std::swap(dims[0], dims[1]);
    }
    img = {1, dims[0], dims[1], 1};
  } else if (dims.size() == 3) {  // channels_last: (a, b, c) -> (c, a, b)
    transpose2(dims[0] * dims[1], dims[2]);
    img = {dims[2], dims[0], dims[1], 1};
  } else {
    img = dims;
  }
  if (img.size() != 4 || (img[3] != 1 && img[3] != 3 && img[3] != 4)) return {};
  height = img[1];
  width = img[2];
  const auto per_image = static_cast<size_t>(img[1] * img[2] * img[3]);
  std::vector<std::string> pngs;
  for (int64_t i = 0; i < std::min<int64_t>(img[0], 3); ++i) {
    std::vector<uint8_t> px(per_image);
    for (size_t k = 0; k < per_image; ++k) {
      const float x = v[static_cast<size_t>(i) * per_image + k];
      const float s = std::isnan(x) ? 0.0f : std::clamp(x * 255.5f, 0.0f, 255.0f);
      px[k] = static_cast<uint8_t>(s);
    }
    pngs.push_back(tensorboard::encode_png(px, img[1], img[2], img[3]));
  }
  return pngs;
}

/// Protobuf text format's string quoting (for projector_config.pbtxt).
std::string pbtxt_quote(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

TensorBoard::TensorBoard(TensorBoardOptions options) : o_(std::move(options)) {
  if (o_.log_dir.empty()) throw ValueError("TensorBoard: `log_dir` must not be empty");
  if (o_.histogram_freq < 0)
    throw ValueError(cat("TensorBoard: `histogram_freq` must be >= 0 (0: no histograms). Received: histogram_freq=",
                         o_.histogram_freq));
  if (o_.embeddings_freq < 0)
    throw ValueError(cat("TensorBoard: `embeddings_freq` must be >= 0 (0: no embeddings). Received: embeddings_freq=",
                         o_.embeddings_freq));
  const UpdateFreq& u = o_.update_freq;
  if (!u.is_number() && u.mode() != "epoch" && u.mode() != "batch")
    throw ValueError(
        cat("TensorBoard: `update_freq` must be \"epoch\", \"batch\" or a positive number of batches. "
            "Received: update_freq=\"",
            u.mode(), "\""));
  if (u.is_number() && u.batches() <= 0)
    throw ValueError(
        cat("TensorBoard: `update_freq` must be \"epoch\", \"batch\" or a positive number of batches. "
            "Received: update_freq=",
            u.batches()));
  if (o_.profile_batch < 0)
    throw ValueError(
        cat("TensorBoard: profile_batch must be a non-negative integer or 2-tuple of positive integers. "
            "A pair of positive integers signifies a range of batches to profile. Found: ",
            o_.profile_batch));
  if (o_.profile_batch != 0)
    throw ValueError(cat("TensorBoard: profiling is not available in this library. Received: profile_batch=",
                         o_.profile_batch, " (must be 0)"));
  train_dir_ = (fs::path(o_.log_dir) / "train").string();
  val_dir_ = (fs::path(o_.log_dir) / "validation").string();
}

TensorBoard::~TensorBoard() = default;

// With several processes (DataParallel) only rank 0 writes event files; the logs it
// would write are the global ones already.
bool TensorBoard::writes_files() const { return !model() || model()->distribution()->is_chief(); }

EventFileWriter& TensorBoard::train_writer() {
  if (!train_) train_ = std::make_unique<EventFileWriter>(train_dir_);
  return *train_;
}

EventFileWriter& TensorBoard::val_writer() {
  if (!val_) val_ = std::make_unique<EventFileWriter>(val_dir_);
  return *val_;
}

void TensorBoard::close_writers() {
  // Keras makes new writers (new files) for every fit.
  auto train = std::move(train_);
  auto val = std::move(val_);
  if (train) train->close();
  if (val) val->close();
}

void TensorBoard::write_model_config() {
  // keras_model_summary: only Functional and Sequential models; a model that cannot be
  // serialized gives a warning, not an error.
  const std::string& cls = model()->class_name();
  if (cls != "Functional" && cls != "Sequential") return;
  std::string json;
  try {
    json = saving::model_config(*model()).dump();
  } catch (const std::exception& e) {
    std::cerr << "Warning: TensorBoard: the model failed to serialize as JSON; not writing its graph: " << e.what()
              << "\n";
    return;
  }
  train_writer().write_event(tensorboard::keras_model_event(wall_time_now(), 0, "keras", json));
}

void TensorBoard::configure_embeddings() {
  // Keras's _configure_embeddings: a ProjectorConfig with one entry per Embedding layer.
  auto by_name = std::get_if<std::map<std::string, std::string>>(&o_.embeddings_metadata);
  std::map<std::string, std::string> unused = by_name ? *by_name : std::map<std::string, std::string>{};
  std::string text;
  for (const auto& layer : model()->layers()) {
    if (layer->class_name() != "Embedding") continue;
    // Keras names every entry after the first layer with weights (its checkpoint naming).
    text +=
        "embeddings {\n  tensor_name: " + pbtxt_quote("layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE") +
        "\n";
    if (const auto* one = std::get_if<std::string>(&o_.embeddings_metadata)) {
      text += "  metadata_path: " + pbtxt_quote(*one) + "\n";
    } else if (auto it = unused.find(layer->name()); it != unused.end()) {
      text += "  metadata_path: " + pbtxt_quote(it->second) + "\n";
      unused.erase(it);
    }
    text += "}\n";
  }
  if (!unused.empty()) {
    std::string names;
    for (const auto& [name, path] : unused) names += (names.empty() ? "'" : ", '") + name + "'";
    throw ValueError(
        cat("TensorBoard: unrecognized `Embedding` layer names passed to the `embeddings_metadata` "
            "argument: [",
            names, "]"));
  }
  fs::create_directories(o_.log_dir);
  utils::write_file_atomically((fs::path(o_.log_dir) / "projector_config.pbtxt").string(),
                               [&](std::ostream& out) { out << text; });
}

void TensorBoard::on_train_begin(const Logs&) {
  if (!writes_files()) return;
  global_train_batch_ = 0;
  if (o_.embeddings_freq) configure_embeddings();
  if (o_.write_graph) write_model_config();
}

void TensorBoard::on_train_end(const Logs&) { close_writers(); }

void TensorBoard::on_epoch_begin(int, const Logs&) {
  if (!o_.write_steps_per_second) return;
  epoch_start_iterations_ = model()->optimizer() ? model()->optimizer()->iterations() : 0;
  epoch_start_ = std::chrono::steady_clock::now();
}

void TensorBoard::on_train_batch_begin(int64_t, const Logs&) {
  ++global_train_batch_;
  if (o_.write_steps_per_second) batch_start_ = std::chrono::steady_clock::now();
}

void TensorBoard::on_train_batch_end(int64_t, const Logs& logs) {
  if (!writes_files()) return;
  // Batch summaries are recorded only with an integer update_freq, every update_freq
  // batches counted over the whole fit (from 1).
  const int64_t every = o_.update_freq.batches();
  if (o_.update_freq.per_epoch() || every <= 0 || global_train_batch_ % every != 0) return;
  EventFileWriter& w = train_writer();
  const double now = wall_time_now();
  if (o_.write_steps_per_second) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - batch_start_).count();
    w.write_event(tensorboard::scalar_event(now, global_train_batch_, "batch_steps_per_second", 1.0 / seconds));
  }
  for (const auto& [name, value] : logs)
    w.write_event(tensorboard::scalar_event(now, global_train_batch_, "batch_" + name, value));
}

void TensorBoard::on_test_end(const Logs& logs) {
  if (!writes_files()) return;
  const auto& optimizer = model() ? model()->optimizer() : nullptr;
  if (!optimizer) return;
  EventFileWriter& w = val_writer();
  const double now = wall_time_now();
  for (const auto& [name, value] : logs)
    w.write_event(
        tensorboard::scalar_event(now, optimizer->iterations(), "evaluation_" + name + "_vs_iterations", value));
  w.flush();
}

void TensorBoard::on_epoch_end(int epoch, const Logs& logs) {
  if (!writes_files()) return;
  // _log_epoch_metrics: the train logs plus the optimizer's learning rate to train/, the
  // val_ logs without their prefix to validation/, all as "epoch_<name>" at step = epoch.
  if (!logs.empty()) {
    Logs train_logs, val_logs;
    for (const auto& [name, value] : logs) {
      if (name.rfind("val_", 0) == 0) val_logs[name.substr(4)] = value;
      else train_logs[name] = value;
    }
    if (const auto& optimizer = model()->optimizer()) {
      train_logs["learning_rate"] = optimizer->learning_rate();
      if (o_.write_steps_per_second) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start_).count();
        train_logs["steps_per_second"] =
            static_cast<double>(optimizer->iterations() - epoch_start_iterations_) / seconds;
      }
    }
    const double now = wall_time_now();
    for (const auto& [name, value] : train_logs)
      train_writer().write_event(tensorboard::scalar_event(now, epoch, "epoch_" + name, value));
    for (const auto& [name, value] : val_logs)
      val_writer().write_event(tensorboard::scalar_event(now, epoch, "epoch_" + name, value));
  }
  if (o_.histogram_freq && epoch % o_.histogram_freq == 0) log_weights(epoch);
  if (o_.embeddings_freq && epoch % o_.embeddings_freq == 0)
    model()->save_weights((fs::path(train_dir_) / cat("keras_embedding.ckpt-", epoch, ".weights.h5")).string());
  if (train_) train_->flush();
  if (val_) val_->flush();
}

void TensorBoard::log_weights(int epoch) {
  EventFileWriter& w = train_writer();
  for (const auto& layer : model()->layers()) {
    for (const Variable& weight : layer->weights()) {
      std::string name = weight.path();
      std::replace(name.begin(), name.end(), ':', '_');
      const double now = wall_time_now();
      const Tensor value = weight.value();
      w.write_event(tensorboard::histogram_event(now, epoch, name + "/histogram",
                                                 tensorboard::make_histogram(value.to_vector<double>())));
      if (!o_.write_images) continue;
      int64_t height = 0, width = 0;
      const std::vector<std::string> pngs = weight_images(value, height, width);
      if (!pngs.empty()) w.write_event(tensorboard::image_event(now, epoch, name + "/image", width, height, pngs));
    }
  }
}

nlohmann::ordered_json TensorBoard::get_config() const {
  nlohmann::ordered_json c;
  c["log_dir"] = o_.log_dir;
  c["histogram_freq"] = o_.histogram_freq;
  c["write_graph"] = o_.write_graph;
  c["write_images"] = o_.write_images;
  c["write_steps_per_second"] = o_.write_steps_per_second;
  if (o_.update_freq.mode() == "epoch") c["update_freq"] = "epoch";
  else c["update_freq"] = o_.update_freq.batches();
  c["profile_batch"] = o_.profile_batch;
  c["embeddings_freq"] = o_.embeddings_freq;
  if (const auto* one = std::get_if<std::string>(&o_.embeddings_metadata)) c["embeddings_metadata"] = *one;
  else if (const auto* by_name = std::get_if<std::map<std::string, std::string>>(&o_.embeddings_metadata))
    c["embeddings_metadata"] = *by_name;
  else c["embeddings_metadata"] = nullptr;
  return c;
}

std::shared_ptr<TensorBoard> TensorBoard::from_config(const nlohmann::ordered_json& config) {
  if (!config.is_object()) throw ValueError("TensorBoard.from_config: the config must be a JSON object");
  TensorBoardOptions o;
  try {
    for (const auto& [key, value] : config.items()) {
      if (key == "log_dir") o.log_dir = value.get<std::string>();
      else if (key == "histogram_freq") o.histogram_freq = value.get<int>();
      else if (key == "write_graph") o.write_graph = value.get<bool>();
      else if (key == "write_images") o.write_images = value.get<bool>();
      else if (key == "write_steps_per_second") o.write_steps_per_second = value.get<bool>();
      else if (key == "update_freq")
        o.update_freq = value.is_string() ? UpdateFreq(value.get<std::string>()) : UpdateFreq(value.get<int64_t>());
      else if (key == "profile_batch") o.profile_batch = value.get<int64_t>();
      else if (key == "embeddings_freq") o.embeddings_freq = value.get<int>();
      else if (key == "embeddings_metadata") {
        if (value.is_string()) o.embeddings_metadata = value.get<std::string>();
        else if (value.is_object()) o.embeddings_metadata = value.get<std::map<std::string, std::string>>();
        else if (!value.is_null())
          throw ValueError("TensorBoard.from_config: `embeddings_metadata` must be null, a string or an object");
      } else {
        throw ValueError(cat("TensorBoard.from_config: unknown argument `", key, "`"));
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw ValueError(cat("TensorBoard.from_config: a value has the wrong type: ", e.what()));
  }
  return std::make_shared<TensorBoard>(std::move(o));
}

}  // namespace keras::callbacks
