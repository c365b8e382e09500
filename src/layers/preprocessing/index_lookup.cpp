#include "keras/layers/preprocessing/index_lookup.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <type_traits>
#include <unordered_set>

#include "keras/autograd/gradient_tape.h"
#include "keras/initializers/initializers.h"
#include "keras/layers/layer_config.h"
#include "keras/layers/preprocessing/integer_lookup.h"
#include "keras/layers/preprocessing/string_lookup.h"
#include "utils/string_hash.h"

namespace keras::layers {

using keras::detail::cat;

namespace {

constexpr int64_t kDropped = -2;  // the mask token outside "int" mode: counted nowhere

std::string token_text(const std::string& t) { return "'" + t + "'"; }
std::string token_text(int64_t t) { return std::to_string(t); }

template <class Token>
std::string tokens_text(const std::vector<Token>& tokens) {
  std::string s = "[";
  for (size_t i = 0; i < tokens.size() && i < 20; ++i) s += (i ? ", " : "") + token_text(tokens[i]);
  if (tokens.size() > 20) s += ", ...";
  return s + "]";
}

template <class Token>
constexpr bool kStringTokens = std::is_same_v<Token, std::string>;

/// Python's str.splitlines (Keras's load_assets): \n, \r, \r\n, \v, \f, \x1c-\x1e and
/// the UTF-8 forms of U+0085, U+2028 and U+2029 end a line.
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t end_length = 0;
    if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e)) end_length = 1;
    else if (c == '\r') end_length = i + 1 < text.size() && text[i + 1] == '\n' ? 2 : 1;
    else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x85) end_length = 2;
    else if (c == 0xe2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
             (static_cast<unsigned char>(text[i + 2]) == 0xa8 || static_cast<unsigned char>(text[i + 2]) == 0xa9))
      end_length = 3;
    if (end_length == 0) {
      line += text[i];
      continue;
    }
    lines.push_back(std::move(line));
    line.clear();
    i += end_length - 1;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// Bounds what a config can ask for: a vocabulary of 16M tokens, and no more, so that a
// hostile file cannot make the layer allocate gigabytes before anything is read.
constexpr int64_t kMaxIndices = int64_t{1} << 24;

template <class Token>
Config token_config(const Token& t) {
  return Config(t);
}

template <class Token>
Token read_token(const Config& v, const std::string& what) {
  if constexpr (kStringTokens<Token>) {
    if (!v.is_string()) throw IOError(cat(what, " must be a string, got ", v.dump()));
    return v.get<std::string>();
  } else {
    if (!v.is_number_integer()) throw IOError(cat(what, " must be an integer, got ", v.dump()));
    return v.get<int64_t>();
  }
}

}  // namespace

template <class Token>
IndexLookup<Token>::IndexLookup(std::string class_name, Options o, std::optional<int64_t> frozen_vocabulary_size,
                                std::optional<bool> has_input_vocabulary)
    : Layer(std::move(class_name), layer_args_of(o)),
      options_(std::move(o)),
      frozen_vocabulary_size_(frozen_vocabulary_size) {
  Options& op = options_;
  if (op.output_mode == "binary") op.output_mode = "multi_hot";  // Keras's old names
  if (op.output_mode == "tf-idf") op.output_mode = "tf_idf";
  const std::string& mode = op.output_mode;
  if (op.max_tokens && *op.max_tokens <= 1)
    fail(cat("If set, `max_tokens` must be greater than 1. Received: max_tokens=", *op.max_tokens));
  if (op.pad_to_max_tokens && !op.max_tokens)
    fail("If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens=None");
  if (op.num_oov_indices < 0)
    fail(cat("`num_oov_indices` must be greater than or equal to 0. Received: num_oov_indices=", op.num_oov_indices));
  if (op.num_oov_indices > kMaxIndices || (op.max_tokens && *op.max_tokens > kMaxIndices))
    fail(cat("`num_oov_indices` and `max_tokens` must be at most 2^24 (16M). Received: num_oov_indices=",
             op.num_oov_indices, ", max_tokens=", op.max_tokens.value_or(0)));
  if (op.oov_method != "floormod" && op.oov_method != "farmhash")
    fail(
        cat("Unknown value for `oov_method`. Allowed values are: ('floormod', 'farmhash'). Received: ", op.oov_method));
  if (op.salt) {
    if (!kStringTokens<Token> && op.oov_method != "farmhash")
      fail(cat("`salt` can only be used when `oov_method='farmhash'`. Received: oov_method=", op.oov_method));
    if (op.salt->size() == 1) op.salt = std::vector<int64_t>{(*op.salt)[0], (*op.salt)[0]};
    if (op.salt->size() != 2)
      fail(cat("The `salt` argument can only be a tuple of 2 integers, or a single integer. Received ", op.salt->size(),
               " integers"));
  }
  if (mode != "int" && mode != "one_hot" && mode != "multi_hot" && mode != "count" && mode != "tf_idf")
    fail(cat("Unknown value for `output_mode`. Allowed values are: ('int', 'one_hot', 'multi_hot', 'count', ",
             "'tf_idf'). Received: output_mode=", mode));
  if (op.invert && mode != "int")
    fail(cat("`output_mode` must be `'int'` when `invert` is true. Received: output_mode=", mode));
  if (op.sparse) fail("`sparse=True` is not supported: this library has no sparse tensors");
  if (op.idf_weights && mode != "tf_idf")
    fail(cat("`idf_weights` should only be set if `output_mode` is `'tf_idf'`. Received: output_mode=", mode));
  if (op.encoding != "utf-8" && op.encoding != "UTF-8")
    fail(cat("Only the \"utf-8\" encoding is supported. Received: encoding=", op.encoding));
  if (frozen_vocabulary_size_ && (*frozen_vocabulary_size_ < token_start() || *frozen_vocabulary_size_ > kMaxIndices ||
                                  (op.max_tokens && *frozen_vocabulary_size_ > *op.max_tokens)))
    fail(cat("`vocabulary_size` must be between the number of special indices (", token_start(),
             ") and max_tokens. Received: vocabulary_size=", *frozen_vocabulary_size_));
  has_input_vocabulary_ = has_input_vocabulary.value_or(op.vocabulary.has_value());
  input_vocabulary_in_config_ = op.vocabulary.has_value();
  if (mode == "tf_idf" && has_input_vocabulary_ && op.vocabulary && !op.idf_weights)
    fail(
        "When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights` argument must also "
        "be provided.");
  if (op.vocabulary) {
    set_vocabulary(*op.vocabulary, op.idf_weights);
  } else if (mode == "tf_idf" && (op.pad_to_max_tokens || frozen_vocabulary_size_)) {
    // A saved layer's weight, filled by loading, before its vocabulary asset is read.
    set_idf_weights(std::vector<double>(static_cast<size_t>(depth()), 0.0));
  }
}

template <class Token>
int64_t IndexLookup<Token>::oov_start() const {
  return options_.mask_token && options_.output_mode == "int" ? 1 : 0;
}

template <class Token>
int64_t IndexLookup<Token>::token_start() const {
  return oov_start() + options_.num_oov_indices;
}

template <class Token>
int64_t IndexLookup<Token>::vocabulary_size() const {
  return static_cast<int64_t>(tokens_.size()) + token_start();
}

template <class Token>
int64_t IndexLookup<Token>::depth() const {
  if (options_.pad_to_max_tokens) return *options_.max_tokens;
  if (!frozen_vocabulary_size_)
    fail(cat("When using `output_mode=", options_.output_mode,
             "` and `pad_to_max_tokens=False`, you must set the layer's vocabulary before calling it. Either pass ",
             "a `vocabulary` argument to the layer, or call `adapt` with some sample data."));
  return *frozen_vocabulary_size_;
}

template <class Token>
void IndexLookup<Token>::set_idf_weights(std::vector<double> weights) {
  const auto n = static_cast<int64_t>(weights.size());
  std::vector<float> w(weights.begin(), weights.end());
  const Tensor value = Tensor::from_vector(w, Shape{n});
  if (own_weights().empty()) {
    Variable v = add_weight("idf_weights", Shape{n}, initializers::Initializer("zeros"), false);
    v.assign(value);
    return;
  }
  Variable v = own_weights()[0];
  if (v.shape() != Shape{n})
    fail(cat("When using `output_mode=tf_idf` and `pad_to_max_tokens=False`, the vocabulary size cannot be ",
             "changed after the layer is called. Old vocab size is ", v.shape()[0], ", new vocab size is ", n));
  v.assign(value);
}

template <class Token>
void IndexLookup<Token>::set_vocabulary(const std::vector<Token>& vocabulary,
                                        const std::optional<std::vector<double>>& idf_weights) {
  const Options& op = options_;
  if (op.output_mode == "tf_idf" && !idf_weights) fail("`idf_weights` must be set if output_mode is 'tf_idf'.");
  if (op.output_mode != "tf_idf" && idf_weights)
    fail(cat("`idf_weights` should only be set if output_mode is `'tf_idf'`. Received: output_mode=", op.output_mode));
  if (vocabulary.empty()) fail("Cannot set an empty vocabulary. Received: vocabulary=[]");
  const auto start = static_cast<size_t>(token_start());
  std::vector<Token> special(static_cast<size_t>(oov_start()), op.mask_token.value_or(Token{}));
  special.insert(special.end(), static_cast<size_t>(op.num_oov_indices), op.oov_token);
  const bool found_special =
      vocabulary.size() >= start && std::equal(special.begin(), special.end(), vocabulary.begin());
  const std::vector<Token> tokens(vocabulary.begin() + (found_special ? static_cast<std::ptrdiff_t>(start) : 0),
                                  vocabulary.end());
  std::unordered_map<Token, int64_t> index;
  std::vector<Token> repeated;
  for (size_t i = 0; i < tokens.size(); ++i)
    if (!index.emplace(tokens[i], static_cast<int64_t>(start + i)).second) repeated.push_back(tokens[i]);
  if (!repeated.empty())
    fail(
        cat("The passed vocabulary has at least one repeated term. Please uniquify your dataset. The repeated "
            "terms are: ",
            tokens_text(repeated)));
  const std::string order = tokens_text(special);
  if (op.mask_token && index.count(*op.mask_token))
    fail(cat("Found reserved mask token at unexpected location in `vocabulary`. Note that passed `vocabulary` ",
             "does not need to include the OOV and mask tokens. Either remove all mask and OOV tokens, or include ",
             "them only at the start of the vocabulary in precisely this order: ", order,
             ". Received: mask_token=", token_text(*op.mask_token)));
  if (op.invert && index.count(op.oov_token))
    fail(cat("Found reserved OOV token at unexpected location in `vocabulary`. Either remove all mask and OOV ",
             "tokens, or include them only at the start of the vocabulary in precisely this order: ", order,
             ". Received: oov_token=", token_text(op.oov_token)));
  const auto new_size = static_cast<int64_t>(start + tokens.size());
  if (op.max_tokens && new_size > *op.max_tokens)
    fail(cat("Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary size is ", new_size,
             "; `max_tokens` is ", *op.max_tokens, "."));
  if (op.output_mode != "int" && !op.pad_to_max_tokens && frozen_vocabulary_size_ &&
      *frozen_vocabulary_size_ != new_size)
    fail(cat("When using `output_mode=", op.output_mode, "` and `pad_to_max_tokens=False`, the vocabulary size ",
             "cannot be changed after the layer is called. Old vocab size is ", *frozen_vocabulary_size_,
             ", new vocab size is ", new_size));
  if (idf_weights && op.output_mode == "tf_idf") {
    if (idf_weights->size() != vocabulary.size())
      fail(cat("`idf_weights` must be the same length as vocabulary. len(idf_weights) is ", idf_weights->size(),
               "; len(vocabulary) is ", vocabulary.size()));
    // Without special tokens in the vocabulary, their weights are the mean (Keras has no
    // document frequencies for them); pad_to_max_tokens pads the back with zeros.
    double mean = 0;
    for (double w : *idf_weights) mean += w;
    mean /= static_cast<double>(idf_weights->size());
    std::vector<double> weights(found_special ? 0 : start, mean);
    weights.insert(weights.end(), idf_weights->begin(), idf_weights->end());
    if (op.pad_to_max_tokens) {
      if (static_cast<int64_t>(weights.size()) > *op.max_tokens)
        fail(cat("`idf_weights` (with the special tokens) are longer than max_tokens=", *op.max_tokens));
      weights.resize(static_cast<size_t>(*op.max_tokens), 0.0);
    }
    set_idf_weights(std::move(weights));
  }
  tokens_ = tokens;
  index_ = std::move(index);
  frozen_vocabulary_size_ = new_size;
}

template <class Token>
std::vector<Token> IndexLookup<Token>::get_vocabulary(bool include_special_tokens) const {
  std::vector<Token> vocab(static_cast<size_t>(token_start()), options_.oov_token);
  if (options_.mask_token && options_.output_mode == "int") vocab[0] = *options_.mask_token;
  vocab.insert(vocab.end(), tokens_.begin(), tokens_.end());
  if (!include_special_tokens) vocab.erase(vocab.begin(), vocab.begin() + token_start());
  return vocab;
}

template <class Token>
std::vector<Token> IndexLookup<Token>::tokens_of(const Tensor& x, const char* what) const {
  if constexpr (kStringTokens<Token>) {
    if (x.dtype() != DType::string)
      fail(cat(what, " must be strings (a DType::string tensor). Received a ", dtype_name(x.dtype()),
               " tensor of shape ", x.shape().to_string()));
    return x.to_vector<std::string>();
  } else {
    if (x.dtype() == DType::string)
      fail(cat(what, " must be integers. Received a string tensor of shape ", x.shape().to_string()));
    if (!is_floating(x.dtype())) return x.to_vector<int64_t>();
    std::vector<int64_t> out;
    for (double v : x.to_vector<double>()) {
      if (!std::isfinite(v) || std::fabs(v) >= 9.2e18)
        fail(cat(what, " must be integers; cannot cast ", v, " to int64"));
      out.push_back(static_cast<int64_t>(v));  // truncates, as tf.cast
    }
    return out;
  }
}

template <class Token>
int64_t IndexLookup<Token>::index_of(const Token& token, int64_t drop) const {
  const Options& op = options_;
  if (op.mask_token && token == *op.mask_token) return op.output_mode == "int" ? 0 : drop;
  if (const auto it = index_.find(token); it != index_.end()) return it->second;
  const int64_t n = op.num_oov_indices;
  if (n == 0) return -1;
  if (n == 1) return oov_start();
  uint64_t bucket = 0;
  if constexpr (!kStringTokens<Token>) {
    if (op.oov_method != "farmhash") return oov_start() + ((token % n) + n) % n;  // Python's floor mod
  }
  std::string text;
  if constexpr (kStringTokens<Token>) text = token;
  else text = std::to_string(token);
  const uint64_t hash =
      op.salt ? utils::siphash_keyed(static_cast<uint64_t>((*op.salt)[0]), static_cast<uint64_t>((*op.salt)[1]), text)
              : utils::farmhash_fingerprint64(text);
  bucket = hash % static_cast<uint64_t>(n);
  return oov_start() + static_cast<int64_t>(bucket);
}

template <class Token>
Tensor IndexLookup<Token>::lookup(const Tensor& x) const {
  const std::vector<Token> tokens = tokens_of(x, "Inputs");
  std::vector<int64_t> ids(tokens.size());
  std::vector<Token> unknown;
  for (size_t i = 0; i < tokens.size(); ++i) {
    ids[i] = index_of(tokens[i], kDropped);
    if (ids[i] == -1) unknown.push_back(tokens[i]);
  }
  if (!unknown.empty())
    fail(cat("When `num_oov_indices=0` all inputs should be in vocabulary, found OOV values ", tokens_text(unknown),
             ", consider setting `num_oov_indices=1`."));
  return Tensor::from_vector(ids, x.shape());
}

template <class Token>
Tensor IndexLookup<Token>::invert_lookup(const Tensor& x) const {
  if (x.dtype() == DType::string || is_floating(x.dtype()))
    fail(cat("With `invert=True` the inputs are integer indices. Received a ", dtype_name(x.dtype()), " tensor"));
  const std::vector<int64_t> ids = x.to_vector<int64_t>();
  std::vector<Token> out(ids.size(), options_.oov_token);
  const int64_t start = token_start(), end = vocabulary_size();
  for (size_t i = 0; i < ids.size(); ++i) {
    if (options_.mask_token && ids[i] == 0) out[i] = *options_.mask_token;
    else if (ids[i] >= start && ids[i] < end) out[i] = tokens_[static_cast<size_t>(ids[i] - start)];
  }
  return Tensor::from_vector(out, x.shape());
}

template <class Token>
Shape IndexLookup<Token>::compute_output_shape(const Shape& input_shape) {
  if (options_.output_mode == "int") return input_shape;
  const int64_t d = options_.pad_to_max_tokens ? *options_.max_tokens : frozen_vocabulary_size_.value_or(kNone);
  std::vector<int64_t> dims = input_shape.dims();
  if (options_.output_mode == "one_hot") {
    if (dims.size() > 1 && dims.back() == 1) dims.back() = d;
    else dims.push_back(d);
    return Shape(dims);
  }
  if (!dims.empty()) dims.pop_back();
  dims.push_back(d);
  return Shape(dims);
}

template <class Token>
std::vector<DType> IndexLookup<Token>::compute_output_dtypes(const std::vector<DType>&, size_t num_outputs) {
  DType d = DType::float32;
  if (options_.output_mode == "int") d = options_.invert ? dtype_of<Token>() : DType::int64;
  return std::vector<DType>(num_outputs, d);
}

template <class Token>
Tensor IndexLookup<Token>::call(const Tensor& x, const CallContext&) {
  autograd::NoGradGuard no_grad;  // indices have no gradient
  const Tensor host = x.to(Device::cpu());
  if (options_.invert) return invert_lookup(host);
  const Tensor ids = lookup(host);
  const std::string& mode = options_.output_mode;
  if (mode == "int") return ids;
  const int64_t d = depth();
  const Shape out_shape = compute_output_shape(host.shape());
  int64_t rows = 1, per_row = ids.size();
  if (mode == "one_hot") {
    rows = ids.size();
    per_row = 1;
  } else if (host.rank() == 2) {
    rows = host.dim(0);
    per_row = host.dim(1);
  } else if (host.rank() > 2) {
    fail(cat("When output_mode is not `'int'`, maximum supported output rank is 2. Received output_mode ", mode,
             " and input shape ", host.shape().to_string()));
  }
  if (d > 0 && rows > (int64_t{1} << 40) / d)
    fail(cat("The encoded output of ", rows, " x ", d, " values is too large"));
  std::vector<float> out(static_cast<size_t>(rows * d), 0.f);
  const std::vector<int64_t> v = ids.to_vector<int64_t>();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < per_row; ++k) {
      const int64_t id = v[static_cast<size_t>(r * per_row + k)];
      if (id < 0 || id >= d) continue;  // the dropped mask token
      float& slot = out[static_cast<size_t>(r * d + id)];
      slot = mode == "count" || mode == "tf_idf" ? slot + 1.f : 1.f;
    }
  if (mode == "tf_idf") {
    const std::vector<float> idf = own_weights().at(0).value().template to_vector<float>();
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t k = 0; k < d; ++k) out[static_cast<size_t>(r * d + k)] *= idf.at(static_cast<size_t>(k));
  }
  return Tensor::from_vector(out, out_shape);
}

template <class Token>
void IndexLookup<Token>::adapt(const Tensor& data) {
  // Keras's adapt on an array: a rank-1 array is a column of one-token documents.
  adapt(TensorList{data.rank() == 1 ? data.reshape({data.dim(0), 1}) : data});
}

template <class Token>
void IndexLookup<Token>::adapt(const TensorList& batches) {
  if (has_input_vocabulary_)
    fail(cat("Cannot adapt layer '", name(), "' after setting a static vocabulary via `vocabulary` argument or ",
             "`set_vocabulary()` method."));
  if (batches.empty()) fail("adapt() received an empty list of batches. Expected at least one batch");
  std::unordered_map<Token, int64_t> counts, document_counts;
  int64_t documents = 0;
  for (const Tensor& batch : batches) {
    if (!batch.defined()) fail("adapt() received an undefined tensor");
    const std::vector<Token> tokens = tokens_of(batch.to(Device::cpu()), "adapt() data");
    for (const Token& t : tokens) ++counts[t];
    // Keras's update_state: rank 0 and rank 1 are one document, otherwise one per row.
    const int64_t rows = batch.rank() <= 1 ? 1 : batch.dim(0);
    const size_t per_row = rows ? tokens.size() / static_cast<size_t>(rows) : 0;
    for (int64_t r = 0; r < rows; ++r) {
      std::unordered_set<Token> seen(tokens.begin() + static_cast<std::ptrdiff_t>(r * per_row),
                                     tokens.begin() + static_cast<std::ptrdiff_t>((r + 1) * per_row));
      for (const Token& t : seen) ++document_counts[t];
    }
    documents += rows;
  }
  if (counts.empty()) return;  // Keras's finalize_state keeps the previous vocabulary
  if (options_.mask_token) counts.erase(*options_.mask_token);
  counts.erase(options_.oov_token);
  std::vector<std::pair<Token, int64_t>> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first > b.first;
  });
  if (options_.max_tokens) {
    const auto keep = static_cast<size_t>(std::max<int64_t>(0, *options_.max_tokens - token_start()));
    if (sorted.size() > keep) sorted.resize(keep);
  }
  std::vector<Token> tokens;
  for (const auto& [t, c] : sorted) tokens.push_back(t);
  const auto new_size = static_cast<int64_t>(tokens.size()) + token_start();
  if (options_.output_mode != "int" && !options_.pad_to_max_tokens && frozen_vocabulary_size_ &&
      *frozen_vocabulary_size_ != new_size)
    fail(cat("When using `output_mode=", options_.output_mode, "` and `pad_to_max_tokens=False`, the vocabulary ",
             "size cannot be changed after the layer is called. Old vocab size is ", *frozen_vocabulary_size_,
             ", new vocab size is ", new_size));
  if (options_.output_mode == "tf_idf") {
    std::vector<float> idf;
    double mean = 0;
    for (const Token& t : tokens) {
      idf.push_back(static_cast<float>(
          std::log(1.0 + static_cast<double>(documents) / (1.0 + static_cast<double>(document_counts[t])))));
      mean += idf.back();
    }
    mean = idf.empty() ? NAN : mean / static_cast<double>(idf.size());
    std::vector<double> weights(static_cast<size_t>(token_start()), static_cast<float>(mean));
    weights.insert(weights.end(), idf.begin(), idf.end());
    if (options_.pad_to_max_tokens) weights.resize(static_cast<size_t>(*options_.max_tokens), 0.0);
    set_idf_weights(std::move(weights));
  }
  index_.clear();
  for (size_t i = 0; i < tokens.size(); ++i) index_[tokens[i]] = token_start() + static_cast<int64_t>(i);
  tokens_ = std::move(tokens);
  frozen_vocabulary_size_ = new_size;
}

template <class Token>
std::vector<std::pair<std::string, std::string>> IndexLookup<Token>::save_assets() const {
  if (input_vocabulary_in_config_) return {};  // the vocabulary is in the config
  std::string text;
  const std::vector<Token> vocab = get_vocabulary(true);
  for (size_t i = 0; i < vocab.size(); ++i) {
    if (i) text += '\n';
    if constexpr (kStringTokens<Token>) text += vocab[i];
    else text += std::to_string(vocab[i]);
  }
  return {{"vocabulary.txt", text}};
}

template <class Token>
void IndexLookup<Token>::load_assets(const std::vector<std::pair<std::string, std::string>>& files) {
  if (input_vocabulary_in_config_) return;
  const auto it = std::find_if(files.begin(), files.end(), [](const auto& f) { return f.first == "vocabulary.txt"; });
  if (it == files.end()) return;
  std::vector<std::string> lines = split_lines(it->second);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty()) return;
  std::vector<Token> values;
  for (const std::string& line : lines) {
    if constexpr (kStringTokens<Token>) {
      values.push_back(line);
    } else {
      size_t used = 0;
      int64_t v = 0;
      try {
        v = std::stoll(line, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != line.size())
        throw IOError(cat("Layer \"", name(), "\": vocabulary.txt holds '", line.substr(0, 40), "', not an integer"));
      values.push_back(v);
    }
  }
  std::optional<std::vector<double>> idf;
  if (options_.output_mode == "tf_idf" && !own_weights().empty()) {
    const auto w = own_weights()[0].value().template to_vector<double>();
    idf = w;
    idf->resize(std::min(w.size(), values.size()));
  }
  set_vocabulary(values, idf);
}

template <class Token>
Config IndexLookup<Token>::get_config() const {
  Config c = Layer::get_config();
  const Options& op = options_;
  c["invert"] = op.invert;
  c["max_tokens"] = op.max_tokens ? Config(*op.max_tokens) : Config(nullptr);
  c["num_oov_indices"] = op.num_oov_indices;
  c["oov_token"] = token_config(op.oov_token);
  c["mask_token"] = op.mask_token ? token_config(*op.mask_token) : Config(nullptr);
  c["output_mode"] = op.output_mode;
  c["sparse"] = op.sparse;
  c["pad_to_max_tokens"] = op.pad_to_max_tokens;
  c["vocabulary_dtype"] = kStringTokens<Token> ? "string" : "int64";
  c["idf_weights"] = op.idf_weights ? Config(*op.idf_weights) : Config(nullptr);
  if (op.vocabulary) {
    Config v = Config::array();
    for (const Token& t : *op.vocabulary) v.push_back(token_config(t));
    c["vocabulary"] = v;
  } else {
    c["vocabulary"] = nullptr;
  }
  c["vocabulary_size"] = frozen_vocabulary_size_ ? Config(*frozen_vocabulary_size_) : Config(nullptr);
  c["oov_method"] = op.oov_method;
  c["salt"] = op.salt ? Config(*op.salt) : Config(nullptr);
  return c;
}

template <class Token>
typename IndexLookup<Token>::Options IndexLookup<Token>::options_from_config(
    const Config& config, std::optional<int64_t>& frozen_vocabulary_size, std::optional<bool>& has_input_vocabulary) {
  const ConfigReader r(config);
  Options o;
  o.invert = r.get("invert", o.invert);
  if (const Config* v = r.find("max_tokens"); v && !v->is_null()) o.max_tokens = r.get<int64_t>("max_tokens", 0);
  o.num_oov_indices = r.get<int64_t>("num_oov_indices", o.num_oov_indices);
  if (const Config* v = r.find("oov_token"); v && !v->is_null())
    o.oov_token = read_token<Token>(*v, r.what("oov_token"));
  if (const Config* v = r.find("mask_token"); v && !v->is_null())
    o.mask_token = read_token<Token>(*v, r.what("mask_token"));
  o.output_mode = r.get<std::string>("output_mode", o.output_mode);
  o.sparse = r.get("sparse", o.sparse);
  o.pad_to_max_tokens = r.get("pad_to_max_tokens", o.pad_to_max_tokens);
  if (const Config* v = r.find("vocabulary_dtype"); v && !v->is_null()) {
    const std::string want = kStringTokens<Token> ? "string" : "int64";
    if (!v->is_string() || v->get<std::string>() != want)
      r.fail(cat("only vocabulary_dtype='", want, "' is supported, got ", v->dump()));
  }
  if (const Config* v = r.find("idf_weights"); v && !v->is_null()) {
    if (!v->is_array()) r.fail("idf_weights must be a list of numbers");
    std::vector<double> w;
    for (const Config& e : *v) {
      if (!e.is_number()) r.fail("idf_weights must be a list of numbers");
      w.push_back(e.get<double>());
    }
    o.idf_weights = w;
  }
  if (const Config* v = r.find("vocabulary"); v && !v->is_null()) {
    if (!v->is_array()) r.fail("vocabulary must be a list (a vocabulary file path cannot be loaded from a config)");
    std::vector<Token> tokens;
    for (const Config& e : *v) tokens.push_back(read_token<Token>(e, r.what("vocabulary")));
    o.vocabulary = tokens;
  }
  if (const Config* v = r.find("vocabulary_size"); v && !v->is_null())
    frozen_vocabulary_size = r.get<int64_t>("vocabulary_size", 0);
  if (const Config* v = r.find("has_input_vocabulary"); v && !v->is_null())
    has_input_vocabulary = r.get("has_input_vocabulary", false);
  o.oov_method = r.get<std::string>("oov_method", o.oov_method);
  if (const Config* v = r.find("salt"); v && !v->is_null()) o.salt = r.get<std::vector<int64_t>>("salt", {});
  o.encoding = r.get<std::string>("encoding", o.encoding);
  r.fill_layer_args(o);
  return o;
}

template class IndexLookup<std::string>;
template class IndexLookup<int64_t>;

// ---- the two layers

StringLookup::StringLookup(StringLookupOptions options, std::optional<int64_t> frozen_vocabulary_size,
                           std::optional<bool> has_input_vocabulary)
    : Concrete("StringLookup", std::move(options), frozen_vocabulary_size, has_input_vocabulary) {}

Config StringLookup::get_config() const {
  Config c = IndexLookup::get_config();
  c.erase("vocabulary_dtype");
  c["encoding"] = options().encoding;
  return c;
}

std::shared_ptr<Layer> StringLookup::from_config(const Config& config) {
  std::optional<int64_t> size;
  std::optional<bool> has_input;
  StringLookupOptions o = options_from_config(config, size, has_input);
  return std::make_shared<StringLookup>(std::move(o), size, has_input);
}

IntegerLookup::IntegerLookup(IntegerLookupOptions options, std::optional<int64_t> frozen_vocabulary_size,
                             std::optional<bool> has_input_vocabulary)
    : Concrete("IntegerLookup", std::move(options), frozen_vocabulary_size, has_input_vocabulary) {}

Config IntegerLookup::get_config() const { return IndexLookup::get_config(); }

std::shared_ptr<Layer> IntegerLookup::from_config(const Config& config) {
  std::optional<int64_t> size;
  std::optional<bool> has_input;
  IntegerLookupOptions o = options_from_config(config, size, has_input);
  return std::make_shared<IntegerLookup>(std::move(o), size, has_input);
}

}  // namespace keras::layers
