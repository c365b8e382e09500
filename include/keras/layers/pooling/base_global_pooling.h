// Global pooling (keras/src/layers/pooling/base_global_pooling.py): the max or mean over
// every spatial position, (batch, *spatial, channels) -> (batch, channels), or with
// keepdims (batch, 1, ..., 1, channels).
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

struct GlobalPoolingOptions {
  std::string data_format = "channels_last";
  bool keepdims = false;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    return std::tuple{field("data_format", &GlobalPoolingOptions::data_format),
                      field("keepdims", &GlobalPoolingOptions::keepdims)};
  }
};

class BaseGlobalPooling : public Layer {
 public:
  using Options = GlobalPoolingOptions;
  Config get_config() const override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  /// GlobalAveragePooling1D averages over the valid steps only; no mask goes on.
  bool supports_masking() const override { return rank_ == 1 && !max_; }
  TensorList compute_mask(const TensorList&, const TensorList&, size_t) override { return {}; }
  int rank() const { return rank_; }
  bool is_max() const { return max_; }
  bool keepdims() const { return keepdims_; }

 protected:
  BaseGlobalPooling(std::string class_name, int rank, bool max, const GlobalPoolingOptions& options);

 private:
  int rank_;
  bool max_, keepdims_;
  GlobalPoolingOptions options_;
};

/// The leaves: class GlobalMaxPooling2D : public GlobalPoolingLayer<GlobalMaxPooling2D, 2, true>.
template <class Derived, int kRank, bool kMax>
class GlobalPoolingLayer : public Concrete<Derived, BaseGlobalPooling> {
 public:
  explicit GlobalPoolingLayer(GlobalPoolingOptions options = {})
      : Concrete<Derived, BaseGlobalPooling>(Derived::kClassName, kRank, kMax, options) {}
};

}  // namespace keras::layers
