// The Event messages the TensorBoard callback writes, hand-encoded (tensorflow/core/util/
// event.proto, framework/summary.proto, tensor.proto). Field numbers are noted at each use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace keras::callbacks::tensorboard {

/// Seconds since the epoch, with microseconds (Event.wall_time).
double wall_time_now();

/// Event{wall_time, file_version: "brain.Event:2"}: the first record of every file.
std::string file_version_event(double wall_time);

/// A scalar as tf.summary.scalar (TF2) writes it: a float32 scalar tensor with the
/// "scalars" plugin metadata and data_class DATA_CLASS_SCALAR.
std::string scalar_event(double wall_time, int64_t step, const std::string& tag, double value);

/// HistogramProto with TensorFlow's default buckets (limits +-1e-12 * 1.1^k up to 1e20,
/// then +-DBL_MAX, and 0), empty runs collapsed as tensorflow/core/lib/histogram does.
struct Histogram {
  double min = 0, max = 0, num = 0, sum = 0, sum_squares = 0;
  std::vector<double> bucket_limit, bucket;
};
Histogram make_histogram(const std::vector<double>& values);
std::string histogram_event(double wall_time, int64_t step, const std::string& tag, const Histogram& h);

/// The Keras model config as a string tensor with the "graph_keras_model" plugin (content
/// "1"), as keras_model_summary in keras/src/callbacks/tensorboard.py writes it.
std::string keras_model_event(double wall_time, int64_t step, const std::string& tag, const std::string& json);

/// tf.summary.image's form: a string tensor [width, height, png...] with the "images"
/// plugin metadata (content empty, data_class DATA_CLASS_BLOB_SEQUENCE).
std::string image_event(double wall_time, int64_t step, const std::string& tag, int64_t width, int64_t height,
                        const std::vector<std::string>& pngs);

}  // namespace keras::callbacks::tensorboard
