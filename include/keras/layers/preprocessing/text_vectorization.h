// keras.layers.TextVectorization (keras/src/layers/preprocessing/text_vectorization.py):
// turns raw strings into token indices or token vectors, in Keras's steps:
//   1. standardize: "lower_and_strip_punctuation" (default), "lower", "strip_punctuation"
//      or none. Lowercasing is ASCII only and the punctuation removed is ASCII's 32
//      characters, as TensorFlow's `strings.lower` and Keras's regex do (other UTF-8
//      passes through unchanged);
//   2. split: "whitespace" (runs of ASCII whitespace; no empty tokens), "character"
//      (each UTF-8 code point) or none (each string one token);
//   3. ngrams: none, n (widths 1..n) or a list of widths: after each string's tokens, its
//      n-grams of each width joined by spaces, width by width, as tf.strings.ngrams;
//   4. lookup in a StringLookup with mask token "" (index 0 is padding, 1 is OOV "[UNK]"),
//      with the output modes "int" (int64, padded with 0 to the longest string of the
//      batch or cut/padded to output_sequence_length), "multi_hot", "count", "tf_idf"
//      (float32 vectors of the vocabulary size, one per string).
// The input is a DType::string tensor of shape (batch,) or (batch, 1). The vocabulary is
// given or learned by adapt(strings); it lives in the inner StringLookup, saved as Keras
// saves it (the sublayer "_lookup_layer", the asset "vocabulary.txt" when learned).
// Callable standardize/split are not supported.
//
//   layers::TextVectorization vectorize({.max_tokens = 5000, .output_sequence_length = 64});
//   vectorize.adapt(train_texts);
//   auto model = Sequential({Input({1}, {.dtype = DType::string}), vectorize, Embedding(5000, 32), ...});
#pragma once

#include <variant>

#include "keras/layers/preprocessing/string_lookup.h"

namespace keras::layers {

struct TextVectorizationOptions {
  std::optional<int64_t> max_tokens{};
  std::optional<std::string> standardize = "lower_and_strip_punctuation";  // nullopt: none
  std::optional<std::string> split = "whitespace";                         // nullopt: none
  std::variant<std::monostate, int64_t, std::vector<int64_t>> ngrams{};    // none, n, or widths
  std::string output_mode = "int";
  std::optional<int64_t> output_sequence_length{};
  bool pad_to_max_tokens = false;
  std::optional<std::vector<std::string>> vocabulary{};
  std::optional<std::vector<double>> idf_weights{};
  bool sparse = false;  // true is a ValueError (no sparse tensors)
  bool ragged = false;  // true is a ValueError (no ragged tensors)
  std::string encoding = "utf-8";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;
};

class TextVectorization : public Concrete<TextVectorization> {
 public:
  using Options = TextVectorizationOptions;
  explicit TextVectorization(TextVectorizationOptions options = {},
                             std::optional<int64_t> frozen_vocabulary_size = {});

  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  std::vector<DType> compute_output_dtypes(const std::vector<DType>& input_dtypes, size_t num_outputs) override;
  /// Keras's keys and order: name, trainable, dtype, max_tokens, standardize, split,
  /// ngrams, output_mode, output_sequence_length, pad_to_max_tokens, sparse, ragged,
  /// vocabulary, idf_weights, encoding, vocabulary_size.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::vector<std::pair<std::string, std::shared_ptr<Layer>>> named_sublayers() const override;
  std::vector<std::pair<std::string, std::string>> save_assets() const override;
  void load_assets(const std::vector<std::pair<std::string, std::string>>& files) override;
  std::string saved_variable_key(size_t) const override { return "idf_weights"; }

  /// Learns the vocabulary from strings (shape (n,) or (n, 1)), as StringLookup.adapt
  /// after standardize, split and ngrams.
  void adapt(const Tensor& texts);
  void adapt(const TensorList& batches);
  void set_vocabulary(const std::vector<std::string>& vocabulary,
                      const std::optional<std::vector<double>>& idf_weights = std::nullopt);
  std::vector<std::string> get_vocabulary(bool include_special_tokens = true) const;
  int64_t vocabulary_size() const;

  /// Steps 1-3 for one string: its tokens (and n-grams), as the lookup sees them.
  std::vector<std::string> tokenize(const std::string& text) const;
  const TextVectorizationOptions& options() const { return options_; }

 private:
  /// Tokens of every string of a (n,) or (n, 1) tensor, as a (n, longest) string tensor
  /// padded with "" (the mask token), and each row's length.
  Tensor tokenized(const Tensor& texts, std::vector<int64_t>* lengths) const;
  /// Makes the lookup's "tf_idf" weight this layer's too once it exists: Keras saves it
  /// under both (TextVectorization.save_own_variables delegates to the lookup).
  void share_lookup_weights();

  TextVectorizationOptions options_;
  std::vector<int64_t> ngram_widths_;
  std::shared_ptr<StringLookup> lookup_;
};

}  // namespace keras::layers
