#include "keras/layers/preprocessing/text_vectorization.h"

#include <algorithm>

#include "keras/autograd/gradient_tape.h"
#include "keras/layers/layer_config.h"
#include "utils/utf8.h"

namespace keras::layers {

using keras::detail::cat;

namespace {

// Python's string.punctuation: what Keras's regex [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~']
// removes. All ASCII, so removing these bytes never splits a UTF-8 sequence.
bool is_punctuation(unsigned char c) {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

bool is_ascii_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/// The code points of `s` as UTF-8 pieces (tf.strings.unicode_split with its default
/// errors="replace": an invalid or cut-off sequence becomes U+FFFD, one per bad byte).
std::vector<std::string> code_points(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    uint32_t c = 0;
    const size_t len = utils::utf8_sequence_at(s, i, &c);
    if (len == 0) {
      out.emplace_back("\xef\xbf\xbd");
      ++i;
      continue;
    }
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

StringLookupOptions lookup_options(const TextVectorizationOptions& o) {
  StringLookupOptions l;
  l.max_tokens = o.max_tokens;
  l.vocabulary = o.vocabulary;
  l.idf_weights = o.idf_weights;
  l.pad_to_max_tokens = o.pad_to_max_tokens;
  l.mask_token = std::string();
  l.output_mode = o.output_mode;
  l.sparse = o.sparse;
  l.encoding = o.encoding;
  l.name = "string_lookup";
  return l;
}

}  // namespace

TextVectorization::TextVectorization(TextVectorizationOptions o, std::optional<int64_t> frozen_vocabulary_size)
    : Concrete("TextVectorization", layer_args_of(o)), options_(std::move(o)) {
  TextVectorizationOptions& op = options_;
  if (op.output_mode == "binary") op.output_mode = "multi_hot";
  if (op.output_mode == "tf-idf") op.output_mode = "tf_idf";
  if (op.standardize && *op.standardize != "lower_and_strip_punctuation" && *op.standardize != "lower" &&
      *op.standardize != "strip_punctuation")
    fail(cat(
        "Unknown value for `standardize`. Allowed values are: ('lower_and_strip_punctuation', 'lower', ",
        "'strip_punctuation') or None (a callable is not supported here). Received: standardize=", *op.standardize));
  if (op.split && *op.split != "whitespace" && *op.split != "character")
    fail(cat("Unknown value for `split`. Allowed values are: ('whitespace', 'character') or None (a callable is ",
             "not supported here). Received: split=", *op.split));
  const std::string& mode = op.output_mode;
  if (mode != "int" && mode != "one_hot" && mode != "multi_hot" && mode != "count" && mode != "tf_idf")
    fail(cat("Unknown value for `output_mode`. Allowed values are: ('int', 'one_hot', 'multi_hot', 'count', ",
             "'tf_idf'). Received: output_mode=", mode));
  if (mode != "int" && op.output_sequence_length)
    fail(cat("`output_sequence_length` must not be set if `output_mode` is not 'int'. Received ",
             "output_sequence_length=", *op.output_sequence_length, "."));
  if (op.output_sequence_length && *op.output_sequence_length < 0)
    fail(cat("`output_sequence_length` must be >= 0. Received: ", *op.output_sequence_length));
  if (op.sparse) fail("`sparse=True` is not supported: this library has no sparse tensors");
  if (op.ragged) fail("`ragged=True` is not supported: this library has no ragged tensors");
  if (!op.split && !std::holds_alternative<std::monostate>(op.ngrams))
    fail("`ngrams` with `split=None` (n-grams across the input's last axis) is not supported");
  if (const auto* n = std::get_if<int64_t>(&op.ngrams)) {
    if (*n < 1) fail(cat("`ngrams` must be None, a positive integer, or a tuple of integers. Received: ngrams=", *n));
    for (int64_t w = 1; w <= *n; ++w) ngram_widths_.push_back(w);
  } else if (const auto* ws = std::get_if<std::vector<int64_t>>(&op.ngrams)) {
    for (int64_t w : *ws)
      if (w < 1) fail(cat("`ngrams` widths must be positive. Received a width of ", w));
    ngram_widths_ = *ws;
  }
  lookup_ = std::make_shared<StringLookup>(lookup_options(op), frozen_vocabulary_size, op.vocabulary.has_value());
  share_lookup_weights();
}

void TextVectorization::share_lookup_weights() {
  if (own_weights().empty() && !lookup_->own_weights().empty()) track_weight(lookup_->own_weights()[0]);
}

std::vector<std::string> TextVectorization::tokenize(const std::string& text_in) const {
  std::string text = text_in;
  const std::optional<std::string>& standardize = options_.standardize;
  if (standardize && (*standardize == "lower" || *standardize == "lower_and_strip_punctuation"))
    for (char& c : text)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (standardize && (*standardize == "strip_punctuation" || *standardize == "lower_and_strip_punctuation"))
    text.erase(
        std::remove_if(text.begin(), text.end(), [](char c) { return is_punctuation(static_cast<unsigned char>(c)); }),
        text.end());
  std::vector<std::string> tokens;
  if (!options_.split) {
    tokens.push_back(text);
  } else if (*options_.split == "character") {
    tokens = code_points(text);
  } else {
    std::string token;
    for (char c : text) {
      if (is_ascii_space(static_cast<unsigned char>(c))) {
        if (!token.empty()) tokens.push_back(std::move(token));
        token.clear();
      } else {
        token += c;
      }
    }
    if (!token.empty()) tokens.push_back(std::move(token));
  }
  if (ngram_widths_.empty()) return tokens;
  // tf.strings.ngrams: for each width in order, every window of that width (none when the
  // sequence is shorter), joined by " ".
  std::vector<std::string> grams;
  for (int64_t w : ngram_widths_) {
    const auto width = static_cast<size_t>(w);
    for (size_t i = 0; i + width <= tokens.size(); ++i) {
      std::string g = tokens[i];
      for (size_t k = 1; k < width; ++k) g += " " + tokens[i + k];
      grams.push_back(std::move(g));
    }
  }
  return grams;
}

Tensor TextVectorization::tokenized(const Tensor& texts_in, std::vector<int64_t>* lengths) const {
  const Tensor texts = texts_in.to(Device::cpu());
  if (texts.dtype() != DType::string)
    fail(cat("The inputs must be strings (a DType::string tensor). Received a ", dtype_name(texts.dtype()),
             " tensor of shape ", texts.shape().to_string()));
  if (!options_.split) {
    // Each string is one token: the standardized strings keep the input's shape (as a
    // column for the vector modes, one vector per string).
    std::vector<std::string> values = texts.to_vector<std::string>();
    for (std::string& v : values) v = tokenize(v).at(0);
    Shape shape = texts.shape();
    if (options_.output_mode != "int" && shape.rank() <= 1) shape = Shape{texts.size(), 1};
    return Tensor::from_vector(values, shape);
  }
  if (texts.rank() > 1 && (texts.rank() > 2 || texts.dim(-1) != 1))
    fail(cat("When using `TextVectorization` to tokenize strings, the input rank must be 1 or the last shape ",
             "dimension must be 1. Received: inputs.shape=", texts.shape().to_string()));
  std::vector<std::vector<std::string>> rows;
  size_t longest = 0;
  for (const std::string& s : texts.to_vector<std::string>()) {
    rows.push_back(tokenize(s));
    longest = std::max(longest, rows.back().size());
  }
  std::vector<std::string> flat;
  flat.reserve(rows.size() * longest);
  for (auto& r : rows) {
    if (lengths) lengths->push_back(static_cast<int64_t>(r.size()));
    r.resize(longest);  // padded with "", the mask token
    for (auto& t : r) flat.push_back(std::move(t));
  }
  const auto n = static_cast<int64_t>(rows.size());
  if (texts.rank() == 0) return Tensor::from_vector(flat, Shape{static_cast<int64_t>(longest)});
  return Tensor::from_vector(flat, Shape{n, static_cast<int64_t>(longest)});
}

Tensor TextVectorization::call(const Tensor& x, const CallContext& ctx) {
  autograd::NoGradGuard no_grad;
  const Tensor tokens = tokenized(x, nullptr);
  Tensor out = lookup_->call(tokens, ctx);
  if (options_.output_mode != "int" || !options_.output_sequence_length) return out;
  // Cut or pad the token axis to output_sequence_length (padding is index 0).
  if (out.rank() == 0 || (!options_.split && out.rank() == 1)) return out;
  const int64_t want = *options_.output_sequence_length;
  const int64_t have = out.dim(-1), rows = have ? out.size() / have : 0;
  const std::vector<int64_t> ids = out.to_vector<int64_t>();
  std::vector<int64_t> fixed(static_cast<size_t>(rows * want), 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < std::min(want, have); ++k)
      fixed[static_cast<size_t>(r * want + k)] = ids[static_cast<size_t>(r * have + k)];
  std::vector<int64_t> dims = out.shape().dims();
  dims.back() = want;
  return Tensor::from_vector(fixed, Shape(dims));
}

Shape TextVectorization::compute_output_shape(const Shape& input_shape) {
  if (!options_.split) {
    if (options_.output_mode != "int")
      return lookup_->compute_output_shape(input_shape.rank() <= 1 ? Shape{input_shape.rank() ? input_shape[0] : 1, 1}
                                                                   : input_shape);
    std::vector<int64_t> dims = input_shape.dims();
    if (dims.size() >= 2 && options_.output_sequence_length) dims.back() = *options_.output_sequence_length;
    return Shape(dims);
  }
  const int64_t batch = input_shape.rank() > 0 ? input_shape[0] : kNone;
  if (options_.output_mode == "int") return Shape{batch, options_.output_sequence_length.value_or(kNone)};
  return lookup_->compute_output_shape(Shape{batch, kNone});
}

std::vector<DType> TextVectorization::compute_output_dtypes(const std::vector<DType>&, size_t num_outputs) {
  return std::vector<DType>(num_outputs, options_.output_mode == "int" ? DType::int64 : DType::float32);
}

void TextVectorization::adapt(const Tensor& texts) {
  if (!texts.defined()) fail("adapt() received an undefined tensor");
  // Keras's adapt on an array: (n,) becomes (n, 1), one document per string.
  lookup_->adapt(TensorList{tokenized(texts.rank() == 1 ? texts.reshape({texts.dim(0), 1}) : texts, nullptr)});
  share_lookup_weights();
}

void TextVectorization::adapt(const TensorList& batches) {
  TensorList tokens;
  for (const Tensor& b : batches) {
    if (!b.defined()) fail("adapt() received an undefined tensor");
    tokens.push_back(tokenized(b, nullptr));
  }
  lookup_->adapt(tokens);
  share_lookup_weights();
}

void TextVectorization::set_vocabulary(const std::vector<std::string>& vocabulary,
                                       const std::optional<std::vector<double>>& idf_weights) {
  lookup_->set_vocabulary(vocabulary, idf_weights);
  share_lookup_weights();
}

std::vector<std::string> TextVectorization::get_vocabulary(bool include_special_tokens) const {
  return lookup_->get_vocabulary(include_special_tokens);
}

int64_t TextVectorization::vocabulary_size() const { return lookup_->vocabulary_size(); }

std::vector<std::pair<std::string, std::shared_ptr<Layer>>> TextVectorization::named_sublayers() const {
  return {{"_lookup_layer", lookup_}};
}

std::vector<std::pair<std::string, std::string>> TextVectorization::save_assets() const {
  return lookup_->save_assets();
}

void TextVectorization::load_assets(const std::vector<std::pair<std::string, std::string>>& files) {
  lookup_->load_assets(files);
  share_lookup_weights();
}

Config TextVectorization::get_config() const {
  Config c = Layer::get_config();
  const TextVectorizationOptions& op = options_;
  c["max_tokens"] = op.max_tokens ? Config(*op.max_tokens) : Config(nullptr);
  c["standardize"] = op.standardize ? Config(*op.standardize) : Config(nullptr);
  c["split"] = op.split ? Config(*op.split) : Config(nullptr);
  if (const auto* n = std::get_if<int64_t>(&op.ngrams)) c["ngrams"] = *n;
  else if (const auto* ws = std::get_if<std::vector<int64_t>>(&op.ngrams)) c["ngrams"] = *ws;
  else c["ngrams"] = nullptr;
  c["output_mode"] = op.output_mode;
  c["output_sequence_length"] = op.output_sequence_length ? Config(*op.output_sequence_length) : Config(nullptr);
  c["pad_to_max_tokens"] = op.pad_to_max_tokens;
  c["sparse"] = op.sparse;
  c["ragged"] = op.ragged;
  c["vocabulary"] = op.vocabulary ? Config(*op.vocabulary) : Config(nullptr);
  c["idf_weights"] = op.idf_weights ? Config(*op.idf_weights) : Config(nullptr);
  c["encoding"] = op.encoding;
  c["vocabulary_size"] = vocabulary_size();
  return c;
}

std::shared_ptr<Layer> TextVectorization::from_config(const Config& config) {
  const ConfigReader r(config);
  TextVectorizationOptions o;
  if (const Config* v = r.find("max_tokens"); v && !v->is_null()) o.max_tokens = r.get<int64_t>("max_tokens", 0);
  for (const char* key : {"standardize", "split"}) {
    std::optional<std::string>& field = std::string(key) == "split" ? o.split : o.standardize;
    if (const Config* v = r.find(key)) {
      if (v->is_null()) field.reset();
      else if (v->is_string()) field = v->get<std::string>();
      else r.fail(cat(key, " must be a name; a serialized callable is not supported here"));
    }
  }
  if (const Config* v = r.find("ngrams"); v && !v->is_null()) {
    if (v->is_number_integer()) o.ngrams = v->get<int64_t>();
    else o.ngrams = r.get<std::vector<int64_t>>("ngrams", {});
  }
  o.output_mode = r.get<std::string>("output_mode", o.output_mode);
  if (const Config* v = r.find("output_sequence_length"); v && !v->is_null())
    o.output_sequence_length = r.get<int64_t>("output_sequence_length", 0);
  o.pad_to_max_tokens = r.get("pad_to_max_tokens", o.pad_to_max_tokens);
  o.sparse = r.get("sparse", o.sparse);
  o.ragged = r.get("ragged", o.ragged);
  if (const Config* v = r.find("vocabulary"); v && !v->is_null()) {
    if (!v->is_array()) r.fail("vocabulary must be a list (a vocabulary file path cannot be loaded from a config)");
    std::vector<std::string> tokens;
    for (const Config& e : *v) {
      if (!e.is_string()) r.fail("vocabulary must be a list of strings");
      tokens.push_back(e.get<std::string>());
    }
    o.vocabulary = tokens;
  }
  if (const Config* v = r.find("idf_weights"); v && !v->is_null()) {
    std::vector<double> w;
    for (const Config& e : *v) {
      if (!e.is_number()) r.fail("idf_weights must be a list of numbers");
      w.push_back(e.get<double>());
    }
    o.idf_weights = w;
  }
  o.encoding = r.get<std::string>("encoding", o.encoding);
  std::optional<int64_t> size;
  if (const Config* v = r.find("vocabulary_size"); v && !v->is_null()) size = r.get<int64_t>("vocabulary_size", 0);
  r.fill_layer_args(o);
  return std::make_shared<TextVectorization>(o, size);
}

}  // namespace keras::layers
