// What StringLookup and IntegerLookup share (keras/src/layers/preprocessing/index_lookup.py):
// a vocabulary of tokens mapped to integer indices, and back with `invert`.
//
// Indices, as Keras lays them out: the mask token (when set, "int" mode only) is 0, then
// `num_oov_indices` out-of-vocabulary indices, then the vocabulary in order. An unknown
// token gets the one OOV index, or with several a hash bucket: FarmHash Fingerprint64 of
// the string (`tf.strings.to_hash_bucket_fast`), SipHash keyed by `salt`
// (`to_hash_bucket_strong`), or for integers `token mod num_oov_indices` unless
// oov_method="farmhash" (then the hash of its decimal form), so ids match Python's.
// With num_oov_indices=0 an unknown token is a ValueError.
//
// The vocabulary is given (`vocabulary`, kept in the config) or learned by adapt():
// tokens sorted by count, ties by the token itself, both descending (NumPy's lexsort
// reversed, as Keras), at most max_tokens minus the special indices. A learned vocabulary
// is saved as the layer's asset "vocabulary.txt" in a .keras archive (one token per
// line, special tokens first), as Keras's save_assets writes it.
//
// Output modes: "int" (int64 indices, the input's shape), "one_hot" (each value along a
// new last axis; a last axis of 1 is replaced), "multi_hot" / "count" / "tf_idf" (one
// vector per sample: a rank-1 input is one sample, a rank-2 input one per row; the mask
// token is dropped). Those are float32 vectors of the vocabulary size (max_tokens with
// pad_to_max_tokens). tf_idf multiplies counts by `idf_weights`: given with the
// vocabulary, or learned by adapt as log(1 + documents / (1 + documents with the token)),
// the special indices getting their mean; saved as the weight "idf_weights" (a
// non-trainable weight here, so it counts in weights(); Keras keeps an untracked variable).
// Keras returns int64 vectors for one_hot/multi_hot/count at run time while declaring
// float32; they are float32 here, so a Dense layer can follow.
// Floating inputs to IntegerLookup go through the layer's float32 autocast first.
//
// Not differentiable; runs on the CPU (string tensors live there).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "keras/layers/layer.h"

namespace keras::layers {

/// The default OOV token of each lookup: "[UNK]" for strings, -1 for integers.
template <class Token>
struct LookupDefaults;
template <>
struct LookupDefaults<std::string> {
  static std::string oov_token() { return "[UNK]"; }
};
template <>
struct LookupDefaults<int64_t> {
  static int64_t oov_token() { return -1; }
};

/// The arguments of StringLookup (Token = std::string) and IntegerLookup (int64_t), with
/// Keras's defaults.
template <class Token>
struct LookupOptions {
  std::optional<int64_t> max_tokens{};  // includes the mask and OOV indices
  int64_t num_oov_indices = 1;
  std::optional<Token> mask_token{};
  Token oov_token = LookupDefaults<Token>::oov_token();  // returned by invert for OOV indices
  std::optional<std::vector<Token>> vocabulary{};        // may start with the special tokens
  std::optional<std::vector<double>> idf_weights{};      // "tf_idf" with a given vocabulary
  bool invert = false;
  std::string output_mode = "int";  // "int", "one_hot", "multi_hot", "count", "tf_idf"
  bool pad_to_max_tokens = false;
  bool sparse = false;                  // true is a ValueError: no sparse tensors here
  std::string oov_method = "floormod";  // or "farmhash" (integers; strings always hash)
  std::optional<std::vector<int64_t>> salt{};  // one value (used twice) or two: SipHash key
  std::string encoding = "utf-8";              // StringLookup's config key; only UTF-8
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;
};

template <class Token>
class IndexLookup : public Layer {
 public:
  using Options = LookupOptions<Token>;

  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  std::vector<DType> compute_output_dtypes(const std::vector<DType>& input_dtypes, size_t num_outputs) override;
  Config get_config() const override;
  std::string saved_variable_key(size_t) const override { return "idf_weights"; }
  std::vector<std::pair<std::string, std::string>> save_assets() const override;
  void load_assets(const std::vector<std::pair<std::string, std::string>>& files) override;

  /// Learns the vocabulary (and document frequencies for "tf_idf") from `data`, as
  /// Keras's adapt on an array: each element of a rank-1 tensor is one document, each row
  /// of axis 0 otherwise. Replaces what an earlier adapt learned (data without any token
  /// keeps it). The layer must not have a given vocabulary.
  void adapt(const Tensor& data);
  /// The same over several batches, counted together; a batch of rank 0 or 1 is one
  /// document (Keras's update_state on a dataset's batches).
  void adapt(const TensorList& batches);
  /// Replaces the vocabulary (Keras's set_vocabulary): tokens, optionally preceded by the
  /// special tokens in their order; `idf_weights` for "tf_idf" (one per entry).
  void set_vocabulary(const std::vector<Token>& vocabulary,
                      const std::optional<std::vector<double>>& idf_weights = std::nullopt);
  /// The vocabulary; with the special tokens, entry i is what index i stands for.
  std::vector<Token> get_vocabulary(bool include_special_tokens = true) const;
  /// The number of indices: the special ones plus the vocabulary's tokens.
  int64_t vocabulary_size() const;
  const Options& options() const { return options_; }

 protected:
  IndexLookup(std::string class_name, Options options, std::optional<int64_t> frozen_vocabulary_size,
              std::optional<bool> has_input_vocabulary);
  /// The options from a config (the keys both layers write); `frozen_vocabulary_size`
  /// and `has_input_vocabulary` get the config's "vocabulary_size" and
  /// "has_input_vocabulary".
  static Options options_from_config(const Config& config, std::optional<int64_t>& frozen_vocabulary_size,
                                     std::optional<bool>& has_input_vocabulary);

 private:
  int64_t oov_start() const;
  int64_t token_start() const;
  int64_t depth() const;
  /// The index of one token (mask, vocabulary, or OOV bucket), -1 for an unknown token
  /// without OOV indices; `drop` for the mask token outside "int" mode.
  int64_t index_of(const Token& token, int64_t drop) const;
  Tensor lookup(const Tensor& x) const;
  Tensor invert_lookup(const Tensor& x) const;
  void set_idf_weights(std::vector<double> weights);
  std::vector<Token> tokens_of(const Tensor& x, const char* what) const;

  Options options_;
  std::vector<Token> tokens_;  // the vocabulary without special tokens
  std::unordered_map<Token, int64_t> index_;
  std::optional<int64_t> frozen_vocabulary_size_;  // Keras's _frozen_vocab_size
  bool has_input_vocabulary_ = false;
  bool input_vocabulary_in_config_ = false;  // Keras's input_vocabulary (vs an asset)
};

}  // namespace keras::layers
