// keras.layers.Hashing (keras/src/layers/preprocessing/hashing.py): hashes strings or
// integers into `num_bins` bins, with the hash functions TensorFlow gives Keras, so the
// same values land in the same bins as in Python: FarmHash Fingerprint64 of the value's
// string form (`tf.strings.to_hash_bucket_fast`; integers as their decimal digits, floats
// cast to int64 first), or SipHash-2-4 keyed by `salt` (`to_hash_bucket_strong`), modulo
// the number of bins. With `mask_value`, that value gets bin 0 and the others hash into
// bins 1..num_bins-1.
//
// Args: num_bins (>= 1); mask_value (none, a string or an integer); salt (none, one
//   integer used for both key halves, or two); output_mode ("int"; "one_hot",
//   "multi_hot", "count" encode the bins as CategoryEncoding does); sparse (false; true
//   is a ValueError). The layer's dtype (its output's) defaults to int64 in "int" mode,
//   float32 otherwise.
//
//   layers::Hashing(3)(Tensor::from_vector<std::string>({"A", "B", "C", "D", "E"}, {5, 1}));
//   // [[1], [0], [1], [1], [2]] as in Keras's docstring
#pragma once

#include <variant>

#include "keras/layers/layer.h"

namespace keras::layers {

struct HashingOptions {
  std::optional<std::variant<int64_t, std::string>> mask_value{};
  std::optional<std::vector<int64_t>> salt{};
  std::string output_mode = "int";
  bool sparse = false;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};  // int64 ("int") or float32 by default
  bool trainable = true;
};

class Hashing : public Concrete<Hashing> {
 public:
  using Options = HashingOptions;
  explicit Hashing(int64_t num_bins, HashingOptions options = {});

  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  std::vector<DType> compute_output_dtypes(const std::vector<DType>& input_dtypes, size_t num_outputs) override;
  /// Keras's keys and order: name, trainable, dtype, num_bins, salt, mask_value,
  /// output_mode, sparse.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

  /// The bin of each value of `x` (int64, x's shape): what "int" mode returns.
  Tensor hash_to_bins(const Tensor& x) const;
  int64_t num_bins() const { return num_bins_; }
  const HashingOptions& options() const { return options_; }

 private:
  int64_t num_bins_;
  HashingOptions options_;
};

}  // namespace keras::layers
