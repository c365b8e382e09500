#include "callbacks/tensorboard/events.h"

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cstring>

#include "callbacks/tensorboard/proto.h"

namespace keras::callbacks::tensorboard {
namespace {

// event.proto: Event
constexpr int kEventWallTime = 1, kEventStep = 2, kEventFileVersion = 3, kEventSummary = 5;
// summary.proto: Summary.value, Summary.Value, SummaryMetadata, PluginData, HistogramProto
constexpr int kSummaryValue = 1;
constexpr int kValueTag = 1, kValueHisto = 5, kValueTensor = 8, kValueMetadata = 9;
constexpr int kMetadataPluginData = 1, kMetadataDataClass = 4;
constexpr int kPluginName = 1, kPluginContent = 2;
constexpr int kDataClassScalar = 1, kDataClassBlobSequence = 3;
constexpr int kHistoMin = 1, kHistoMax = 2, kHistoNum = 3, kHistoSum = 4, kHistoSumSquares = 5, kHistoBucketLimit = 6,
              kHistoBucket = 7;
// tensor.proto: TensorProto; tensor_shape.proto: TensorShapeProto.dim, Dim.size
constexpr int kTensorDtype = 1, kTensorShape = 2, kTensorContent = 4, kTensorStringVal = 8;
constexpr int kShapeDim = 2, kDimSize = 1;
// types.proto: DataType
constexpr int kDtFloat = 1, kDtString = 7;

std::string metadata(const std::string& plugin, const std::string& content, int data_class) {
  ProtoWriter plugin_data;
  plugin_data.bytes(kPluginName, plugin);
  if (!content.empty()) plugin_data.bytes(kPluginContent, content);
  ProtoWriter m;
  m.bytes(kMetadataPluginData, plugin_data.str());
  if (data_class) m.varint(kMetadataDataClass, static_cast<uint64_t>(data_class));
  return m.str();
}

std::string shape(const std::vector<int64_t>& dims) {
  ProtoWriter s;
  for (const int64_t d : dims) {
    ProtoWriter dim;
    dim.int64(kDimSize, d);
    s.bytes(kShapeDim, dim.str());
  }
  return s.str();
}

/// Event{wall_time, step, summary{value}}.
std::string summary_event(double wall_time, int64_t step, const std::string& value) {
  ProtoWriter summary;
  summary.bytes(kSummaryValue, value);
  ProtoWriter e;
  e.float64(kEventWallTime, wall_time);
  e.int64(kEventStep, step);
  e.bytes(kEventSummary, summary.str());
  return e.str();
}

std::string string_tensor(const std::vector<int64_t>& dims, const std::vector<std::string>& values) {
  ProtoWriter t;
  t.varint(kTensorDtype, kDtString);
  t.bytes(kTensorShape, shape(dims));
  for (const auto& v : values) t.bytes(kTensorStringVal, v);
  return t.str();
}

const std::vector<double>& default_bucket_limits() {
  static const std::vector<double> limits = [] {
    std::vector<double> pos;
    for (double v = 1.0e-12; v < 1.0e20; v *= 1.1) pos.push_back(v);
    pos.push_back(DBL_MAX);
    std::vector<double> all;
    all.reserve(2 * pos.size() + 1);
    for (auto it = pos.rbegin(); it != pos.rend(); ++it) all.push_back(-*it);
    all.push_back(0.0);
    all.insert(all.end(), pos.begin(), pos.end());
    return all;
  }();
  return limits;
}

}  // namespace

double wall_time_now() {
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch());
  return static_cast<double>(us.count()) / 1e6;
}

std::string file_version_event(double wall_time) {
  ProtoWriter e;
  e.float64(kEventWallTime, wall_time);
  e.bytes(kEventFileVersion, "brain.Event:2");
  return e.str();
}

std::string scalar_event(double wall_time, int64_t step, const std::string& tag, double value) {
  // A float32 scalar as TensorFlow's summary writer stores it: tensor_content, little-endian.
  const float f = static_cast<float>(value);
  uint32_t bits = 0;
  std::memcpy(&bits, &f, sizeof bits);
  std::string content(4, '\0');
  for (int i = 0; i < 4; ++i) content[static_cast<size_t>(i)] = static_cast<char>((bits >> (8 * i)) & 0xFF);
  ProtoWriter tensor;
  tensor.varint(kTensorDtype, kDtFloat);
  tensor.bytes(kTensorShape, "");
  tensor.bytes(kTensorContent, content);
  ProtoWriter v;
  v.bytes(kValueTag, tag);
  v.bytes(kValueTensor, tensor.str());
  v.bytes(kValueMetadata, metadata("scalars", "", kDataClassScalar));
  return summary_event(wall_time, step, v.str());
}

Histogram make_histogram(const std::vector<double>& values) {
  const std::vector<double>& limits = default_bucket_limits();
  std::vector<double> counts(limits.size(), 0.0);
  Histogram h;
  if (!values.empty()) {
    h.min = DBL_MAX;
    h.max = -DBL_MAX;
  }
  for (const double x : values) {
    auto b = static_cast<size_t>(std::upper_bound(limits.begin(), limits.end(), x) - limits.begin());
    if (b >= limits.size()) b = limits.size() - 1;
    counts[b] += 1.0;
    h.min = std::min(h.min, x);
    h.max = std::max(h.max, x);
    h.num += 1.0;
    h.sum += x;
    h.sum_squares += x * x;
  }
  // A run of empty buckets becomes one bucket ending at the run's last limit.
  for (size_t i = 0; i < counts.size();) {
    double end = limits[i], count = counts[i];
    ++i;
    if (count <= 0.0) {
      while (i < counts.size() && counts[i] <= 0.0) {
        end = limits[i];
        count = counts[i];
        ++i;
      }
    }
    h.bucket_limit.push_back(end);
    h.bucket.push_back(count);
  }
  return h;
}

std::string histogram_event(double wall_time, int64_t step, const std::string& tag, const Histogram& h) {
  ProtoWriter histo;
  histo.float64(kHistoMin, h.min);
  histo.float64(kHistoMax, h.max);
  histo.float64(kHistoNum, h.num);
  histo.float64(kHistoSum, h.sum);
  histo.float64(kHistoSumSquares, h.sum_squares);
  histo.packed_float64(kHistoBucketLimit, h.bucket_limit);
  histo.packed_float64(kHistoBucket, h.bucket);
  ProtoWriter v;
  v.bytes(kValueTag, tag);
  v.bytes(kValueHisto, histo.str());
  return summary_event(wall_time, step, v.str());
}

std::string keras_model_event(double wall_time, int64_t step, const std::string& tag, const std::string& json) {
  ProtoWriter v;
  v.bytes(kValueTag, tag);
  v.bytes(kValueTensor, string_tensor({}, {json}));
  v.bytes(kValueMetadata, metadata("graph_keras_model", "1", 0));
  return summary_event(wall_time, step, v.str());
}

std::string image_event(double wall_time, int64_t step, const std::string& tag, int64_t width, int64_t height,
                        const std::vector<std::string>& pngs) {
  std::vector<std::string> items{std::to_string(width), std::to_string(height)};
  items.insert(items.end(), pngs.begin(), pngs.end());
  ProtoWriter v;
  v.bytes(kValueTag, tag);
  v.bytes(kValueTensor, string_tensor({static_cast<int64_t>(items.size())}, items));
  v.bytes(kValueMetadata, metadata("images", "", kDataClassBlobSequence));
  return summary_event(wall_time, step, v.str());
}

}  // namespace keras::callbacks::tensorboard
