#include "keras/callbacks/model_checkpoint.h"

#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>

#include "callbacks/python_format.h"
#include "keras/models/model.h"

namespace keras::callbacks {

using keras::detail::cat;

std::string format_path(const std::string& pattern, const Logs& values) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char ch = pattern[i];
    if (ch == '}') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '}') ++i;
      else throw ValueError(cat("Single '}' in the file path \"", pattern, "\""));
      out += '}';
      continue;
    }
    if (ch != '{') {
      out += ch;
      continue;
    }
    if (i + 1 < pattern.size() && pattern[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    const size_t close = pattern.find('}', i);
    if (close == std::string::npos) throw ValueError(cat("Unclosed '{' in the file path \"", pattern, "\""));
    const std::string field = pattern.substr(i + 1, close - i - 1);
    const size_t colon = field.find(':');
    const std::string name = field.substr(0, colon), spec = colon == std::string::npos ? "" : field.substr(colon + 1);
    auto it = values.find(name);
    if (it == values.end()) {
      std::string known;
      for (const auto& [k, v] : values) known += (known.empty() ? "" : ", ") + k;
      throw ValueError(cat("The file path \"", pattern, "\" names \"", name, "\", which the logs do not have. Available: ",
                           known));
    }
    // Python formats the epoch (an int) without a decimal point.
    const bool integer = (name == "epoch" || name == "batch") && spec.empty();
    out += integer ? std::to_string(static_cast<long long>(it->second)) : detail::python_format(it->second, spec);
    i = close;
  }
  return out;
}

ModelCheckpoint::ModelCheckpoint(std::string filepath, ModelCheckpointOptions o)
    : filepath_(std::move(filepath)), o_(std::move(o)) {
  if (o_.save_weights_only) {
    if (!filepath_.ends_with(".weights.h5"))
      throw ValueError(cat("When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must end in "
                           "`.weights.h5` (Keras weights format). Received: filepath=",
                           filepath_));
  } else if (!filepath_.ends_with(".keras") && (!filepath_.ends_with(".h5") || filepath_.ends_with(".weights.h5"))) {
    throw ValueError(cat("The filepath provided must end in `.keras` (Keras model format) or `.h5` (legacy). Received: "
                         "filepath=",
                         filepath_));
  }
  if (o_.mode != "auto" && o_.mode != "min" && o_.mode != "max")
    throw ValueError(cat("ModelCheckpoint: mode must be \"auto\", \"min\" or \"max\", got \"", o_.mode, "\""));
  if (o_.save_freq < 0) throw ValueError(cat("ModelCheckpoint: save_freq must be 0 (every epoch) or positive, got ", o_.save_freq));
  maximize_ = o_.mode == "max" || (o_.mode == "auto" && (o_.monitor.find("acc") != std::string::npos ||
                                                         o_.monitor.rfind("fmeasure", 0) == 0));
  best_ = o_.initial_value_threshold.value_or(maximize_ ? -std::numeric_limits<double>::infinity()
                                                        : std::numeric_limits<double>::infinity());
}

void ModelCheckpoint::on_epoch_begin(int epoch, const Logs&) { current_epoch_ = epoch; }

void ModelCheckpoint::on_train_batch_end(int64_t batch, const Logs& logs) {
  if (o_.save_freq == 0) return;
  if (++batches_since_save_ < o_.save_freq) return;
  batches_since_save_ = 0;
  save(current_epoch_, logs, batch);
}

void ModelCheckpoint::on_epoch_end(int epoch, const Logs& logs) {
  if (o_.save_freq == 0) save(epoch, logs, -1);
}

void ModelCheckpoint::save(int epoch, const Logs& logs, int64_t batch) {
  Logs fields = logs;
  fields["epoch"] = epoch + 1;  // Keras numbers epochs (and batches) from 1 in file names
  if (batch >= 0) fields["batch"] = static_cast<double>(batch + 1);
  const std::string path = format_path(filepath_, fields);
  if (o_.save_best_only) {
    auto it = logs.find(o_.monitor);
    if (it == logs.end()) {
      std::cerr << "Can save best model only with " << o_.monitor << " available, skipping.\n";
      return;
    }
    const double current = it->second;
    if (!(maximize_ ? current > best_ : current < best_)) {
      if (o_.verbose > 0)
        std::cout << "\nEpoch " << epoch + 1 << ": " << o_.monitor << " did not improve from "
                  << detail::python_format(best_, ".5f") << "\n";
      return;
    }
    if (o_.verbose > 0)
      std::cout << "\nEpoch " << epoch + 1 << ": " << o_.monitor << " improved from " << detail::python_format(best_, ".5f")
                << " to " << detail::python_format(current, ".5f") << ", saving model to " << path << "\n";
    best_ = current;
  } else if (o_.verbose > 0) {
    std::cout << "\nEpoch " << epoch + 1 << ": saving model to " << path << "\n";
  }
  // As Keras: create the folder the path names.
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) std::filesystem::create_directories(parent, ec);
  if (o_.save_weights_only) model()->save_weights(path);
  else model()->save(path);
  last_saved_ = path;
}

}  // namespace keras::callbacks
