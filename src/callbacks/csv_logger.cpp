#include "keras/callbacks/csv_logger.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "callbacks/python_format.h"
#include "keras/models/model.h"
#include "keras/utils/file_utils.h"

namespace keras::callbacks {

CSVLogger::CSVLogger(std::string filename, std::string separator, bool append)
    : filename_(std::move(filename)), separator_(std::move(separator)), append_(append) {
  if (filename_.empty()) throw ValueError("CSVLogger: a file name is required");
}

void CSVLogger::on_train_begin(const Logs&) {
  text_.clear();
  keys_.clear();
  if (append_) {
    std::ifstream in(filename_, std::ios::binary);
    if (in) {
      std::ostringstream s;
      s << in.rdbuf();
      text_ = s.str();
    }
  }
}

void CSVLogger::on_epoch_end(int epoch, const Logs& logs) {
  const bool first_row = keys_.empty();
  if (first_row) {
    for (const auto& [k, v] : logs) keys_.push_back(k);
    for (const auto& [k, v] : logs.arrays) keys_.push_back(k);
    std::sort(keys_.begin(), keys_.end());  // Keras sorts them
    // Keras adds the val_ columns when the first epoch had no validation.
    const bool has_val = std::any_of(keys_.begin(), keys_.end(), [](const std::string& k) { return k.rfind("val_", 0) == 0; });
    if (!has_val) {
      const size_t n = keys_.size();
      for (size_t i = 0; i < n; ++i) keys_.push_back("val_" + keys_[i]);
    }
    if (text_.empty()) {  // a header unless appending to a file that has rows
      text_ += "epoch";
      for (const auto& k : keys_) text_ += separator_ + k;
      text_ += "\r\n";  // Python's csv module ends rows with \r\n
    }
  }
  std::string row = std::to_string(epoch);
  for (const auto& k : keys_) {
    if (auto it = logs.find(k); it != logs.end()) {
      row += separator_ + detail::python_str(it->second);
    } else if (auto a = logs.arrays.find(k); a != logs.arrays.end()) {
      // Keras's handle_value: an array as "[v0, v1, ...]" with NumPy's str of each float32.
      std::string list;
      for (float v : a->second.astype(DType::float32).to_vector<float>())
        list += (list.empty() ? "" : ", ") + detail::python_str(v);
      row += separator_ + "\"[" + list + "]\"";
    } else {
      row += separator_ + "NA";
    }
  }
  text_ += row + "\r\n";
  utils::write_file_atomically(filename_, [&](std::ostream& out) { out << text_; });
}

void TerminateOnNaN::on_train_batch_end(int64_t batch, const Logs& logs) {
  auto it = logs.find("loss");
  if (it == logs.end() || std::isfinite(it->second)) return;
  std::cout << "Batch " << batch << ": Invalid loss, terminating training\n";
  model()->stop_training = true;
}

}  // namespace keras::callbacks
