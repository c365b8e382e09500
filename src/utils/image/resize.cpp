// Host-side resizing of decoded images with the weights of keras.ops.image.resize: the
// same arithmetic as the op, without building a tensor graph for every file.
#include <algorithm>

#include "keras/ops/image.h"
#include "utils/image/codec.h"

namespace keras::utils::image_detail {

namespace {

// One output position's non-zero weights: inputs [first, first + weights.size()).
struct Span {
  int64_t first = 0;
  std::vector<float> weights{};
};

std::vector<Span> spans_of(int64_t in_len, int64_t out_len, const std::string& interpolation, bool antialias) {
  const std::vector<double> dense = ops::image::resize_weights(in_len, out_len, interpolation, antialias);
  std::vector<Span> spans(static_cast<size_t>(out_len));
  for (int64_t j = 0; j < out_len; ++j) {
    const double* row = dense.data() + j * in_len;
    int64_t lo = 0, hi = in_len - 1;
    while (lo < hi && row[lo] == 0.0) ++lo;
    while (hi > lo && row[hi] == 0.0) --hi;
    Span& s = spans[static_cast<size_t>(j)];
    s.first = lo;
    for (int64_t i = lo; i <= hi; ++i) s.weights.push_back(static_cast<float>(row[i]));
  }
  return spans;
}

}  // namespace

std::vector<float> resize_hwc(const std::vector<float>& src, int64_t height, int64_t width, int64_t channels,
                              int64_t out_height, int64_t out_width, const std::string& interpolation, bool antialias) {
  std::vector<float> cur = src;
  if (out_height != height) {
    const std::vector<Span> spans = spans_of(height, out_height, interpolation, antialias);
    const int64_t row = width * channels;
    std::vector<float> next(static_cast<size_t>(out_height * row), 0.0f);
    for (int64_t j = 0; j < out_height; ++j) {
      const Span& s = spans[static_cast<size_t>(j)];
      float* dst = next.data() + j * row;
      for (size_t k = 0; k < s.weights.size(); ++k) {
        const float w = s.weights[k];
        const float* in = cur.data() + (s.first + static_cast<int64_t>(k)) * row;
        for (int64_t x = 0; x < row; ++x) dst[x] += w * in[x];
      }
    }
    cur.swap(next);
    height = out_height;
  }
  if (out_width != width) {
    const std::vector<Span> spans = spans_of(width, out_width, interpolation, antialias);
    std::vector<float> next(static_cast<size_t>(height * out_width * channels), 0.0f);
    for (int64_t y = 0; y < height; ++y) {
      const float* in_row = cur.data() + y * width * channels;
      float* out_row = next.data() + y * out_width * channels;
      for (int64_t j = 0; j < out_width; ++j) {
        const Span& s = spans[static_cast<size_t>(j)];
        float* dst = out_row + j * channels;
        for (size_t k = 0; k < s.weights.size(); ++k) {
          const float w = s.weights[k];
          const float* in = in_row + (s.first + static_cast<int64_t>(k)) * channels;
          for (int64_t c = 0; c < channels; ++c) dst[c] += w * in[c];
        }
      }
    }
    cur.swap(next);
  }
  return cur;
}

}  // namespace keras::utils::image_detail
