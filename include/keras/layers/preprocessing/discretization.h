// keras.layers.Discretization (keras/src/layers/preprocessing/discretization.py): buckets
// continuous values by ranges. With boundaries b[0] <= ... <= b[n-1] (np.digitize):
//   x < b[0] -> 0;   b[i-1] <= x < b[i] -> i;   x >= b[n-1] -> n;   NaN -> n.
// The bucket index is returned as int32 ("int"), or encoded over n + 1 bins as
// CategoryEncoding does ("one_hot", "multi_hot", "count": float, the layer's dtype).
// Inputs are cast to float32 (Keras's input dtype) and compared in float32, as Keras's
// TensorFlow, JAX and PyTorch backends compare (its NumPy backend compares in float64,
// which differs only for a value equal to float32(b) where that rounds b down).
//
// Boundaries are given, or learned by adapt(data) from approximate quantiles as Keras
// computes them: each batch is summarized (sorted, every `1/epsilon`-th share kept with
// its weight), merged with the running summary and compressed to 1/epsilon points by
// interpolating cumulative weights; the boundaries are the compressed summary at
// 1/num_bins steps, its last point dropped. (Ties between batches are merged in a stable
// order; Keras's argsort is not stable, which only matters for equal values of
// different weights.)
//
// Args: bin_boundaries (a list, or None); num_bins (None; exactly one of the two);
//   epsilon (0.01); output_mode ("int"; "one_hot", "multi_hot", "count"); sparse (false;
//   true is a ValueError: no sparse tensors here).
// No weights. Output shape: the input's ("int"); see CategoryEncoding for the others.
//
//   layers::Discretization({.bin_boundaries = {0.0, 1.0, 2.0}})(x);   // 4 buckets
//   layers::Discretization d({.num_bins = 4});  d.adapt(data);
#pragma once

#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

struct DiscretizationOptions {
  FloatArray bin_boundaries{};  // None
  std::optional<int64_t> num_bins{};
  double epsilon = 0.01;
  std::string output_mode = "int";
  bool sparse = false;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = DiscretizationOptions;
    return std::tuple{field("bin_boundaries", &O::bin_boundaries), field("num_bins", &O::num_bins),
                      field("epsilon", &O::epsilon), field("output_mode", &O::output_mode),
                      field("sparse", &O::sparse)};
  }
};

class Discretization : public Concrete<Discretization> {
 public:
  using Options = DiscretizationOptions;
  explicit Discretization(DiscretizationOptions options = {});

  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  std::vector<DType> compute_output_dtypes(const std::vector<DType>& input_dtypes, size_t num_outputs) override;
  /// Keras's keys and order: bin_boundaries, num_bins, epsilon, output_mode, sparse, name,
  /// dtype (a plain dtype name; Keras writes no `trainable` for this layer).
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

  /// Learns the boundaries from `data` (any shape; every value counts), replacing what an
  /// earlier adapt learned. Needs num_bins.
  void adapt(const Tensor& data);
  /// The same from several batches, merged one after the other as Keras merges them.
  void adapt(const TensorList& batches);

  /// The boundaries in use (given or adapted); nullopt before adapt when num_bins is set.
  const std::optional<std::vector<double>>& bin_boundaries() const { return boundaries_; }
  const DiscretizationOptions& options() const { return options_; }

 private:
  int64_t depth() const;

  DiscretizationOptions options_;
  std::optional<std::vector<double>> boundaries_;
};

}  // namespace keras::layers
