// TextVectorization: standardization and splitting as TensorFlow does them for Keras
// (ASCII lowercasing, Python's string.punctuation removed, ASCII whitespace runs), n-grams
// as tf.strings.ngrams orders them, Keras 3.15's docstring examples, the output modes,
// configs, and a model with the layer inside that trains on raw strings, is saved with
// its learned vocabulary (Keras's asset layout) and predicts the same after loading.
#include "keras/layers/preprocessing/text_vectorization.h"

#include <cmath>
#include <filesystem>
#include <random>

#include "keras/keras.h"
#include "saving/zip_archive.h"
#include "test_utils.h"

namespace keras {
namespace {

using namespace layers;
using Strings = std::vector<std::string>;
using Ints = std::vector<int64_t>;

Tensor texts(const Strings& s) { return Tensor::from_vector(s, Shape{static_cast<int64_t>(s.size())}); }

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("keras_textvec_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(TextVectorization, DocstringExamples) {
  TextVectorization layer({.max_tokens = 5000, .output_mode = "int", .output_sequence_length = 4});
  layer.adapt(texts({"foo bar", "bar baz", "baz bada boom"}));
  EXPECT_EQ(layer.get_vocabulary(), (Strings{"", "[UNK]", "baz", "bar", "foo", "boom", "bada"}));
  const Tensor y = layer(Tensor::from_vector<std::string>({"foo qux bar", "qux baz"}, {2, 1}));
  EXPECT_EQ(y.dtype(), DType::int64);
  EXPECT_EQ(y.shape(), (Shape{2, 4}));
  EXPECT_EQ(y.to_vector<int64_t>(), (Ints{4, 1, 3, 0, 1, 2, 0, 0}));

  TextVectorization given(
      {.max_tokens = 5000, .output_sequence_length = 4, .vocabulary = Strings{"earth", "wind", "and", "fire"}});
  EXPECT_EQ(given.get_vocabulary(), (Strings{"", "[UNK]", "earth", "wind", "and", "fire"}));
}

TEST(TextVectorization, StandardizeSplitAndNgrams) {
  TextVectorization plain;
  EXPECT_EQ(plain.tokenize("  Hello,   WORLD!\tIt's\n\"Ünïcode\" stays. "),
            (Strings{"hello", "world", "its", "Ünïcode", "stays"}));
  TextVectorization lower({.standardize = "lower", .split = std::nullopt});
  EXPECT_EQ(lower.tokenize("A b, C"), (Strings{"a b, c"}));
  TextVectorization strip({.standardize = "strip_punctuation"});
  EXPECT_EQ(strip.tokenize("A.b (C)"), (Strings{"Ab", "C"}));
  TextVectorization chars({.standardize = std::nullopt, .split = "character"});
  EXPECT_EQ(chars.tokenize("aé日"), (Strings{"a", "é", "日"}));
  // Invalid UTF-8 becomes U+FFFD, one per bad byte (unicode_split's errors="replace").
  EXPECT_EQ(chars.tokenize("\xc3"
                           "A"
                           "\xff"),
            (Strings{"\xef\xbf\xbd", "A", "\xef\xbf\xbd"}));
  // split=None: each string is one token, the input's shape kept.
  TextVectorization whole({.split = std::nullopt, .vocabulary = Strings{"new york", "paris"}});
  const Tensor cities = Tensor::from_vector<std::string>({"New York", "Paris!", "Rome"}, {3});
  EXPECT_EQ(whole(cities).to_vector<int64_t>(), (Ints{2, 3, 1}));
  EXPECT_EQ(whole(cities).shape(), (Shape{3}));
  TextVectorization bigrams({.ngrams = 2});
  EXPECT_EQ(bigrams.tokenize("a b c"), (Strings{"a", "b", "c", "a b", "b c"}));
  TextVectorization widths({.ngrams = std::vector<int64_t>{3}});
  EXPECT_EQ(widths.tokenize("a b c d"), (Strings{"a b c", "b c d"}));
  EXPECT_TRUE(widths.tokenize("a b").empty());  // shorter than every width
}

TEST(TextVectorization, OutputModes) {
  const Strings vocab{"the", "cat", "sat"};
  // Without output_sequence_length: padded to the longest string of the batch.
  TextVectorization ints({.vocabulary = vocab});
  const Tensor y = ints(texts({"the cat", "The dog sat down", ""}));
  EXPECT_EQ(y.shape(), (Shape{3, 4}));
  EXPECT_EQ(y.to_vector<int64_t>(), (Ints{2, 3, 0, 0, 2, 1, 4, 1, 0, 0, 0, 0}));
  EXPECT_EQ(ints.compute_output_shape(Shape{kNone, 1}), (Shape{kNone, kNone}));
  // Cut to output_sequence_length.
  TextVectorization cut({.output_sequence_length = 2, .vocabulary = vocab});
  EXPECT_EQ(cut(texts({"sat sat sat"})).to_vector<int64_t>(), (Ints{4, 4}));
  TextVectorization multi({.output_mode = "multi_hot", .vocabulary = vocab});
  const Tensor m = multi(texts({"the the cat", "dog"}));
  EXPECT_EQ(m.shape(), (Shape{2, 4}));
  EXPECT_EQ(m.to_vector<float>(), (std::vector<float>{0, 1, 1, 0, 1, 0, 0, 0}));
  EXPECT_EQ(multi.compute_output_shape(Shape{kNone}), (Shape{kNone, 4}));
  TextVectorization count({.output_mode = "count", .vocabulary = vocab});
  EXPECT_EQ(count(texts({"the the cat", "dog"})).to_vector<float>(), (std::vector<float>{0, 2, 1, 0, 1, 0, 0, 0}));
  TextVectorization tf_idf({.output_mode = "tf_idf"});
  tf_idf.adapt(texts({"a b", "a", "a c"}));  // documents: a 3, b 1, c 1
  const double a = std::log(1 + 3.0 / 4), b = std::log(1 + 3.0 / 2);
  const auto v = tf_idf(texts({"a a b"})).to_vector<float>();
  EXPECT_EQ(tf_idf.get_vocabulary(), (Strings{"[UNK]", "a", "c", "b"}));
  EXPECT_NEAR(v[1], 2 * a, 1e-6);
  EXPECT_NEAR(v[3], b, 1e-6);
}

TEST(TextVectorization, ConfigAndErrors) {
  TextVectorization layer({.max_tokens = 10, .ngrams = 2, .output_sequence_length = 5, .name = "tv"});
  layer.adapt(texts({"x y z"}));
  const Config c = layer.get_config();
  Strings keys;
  for (auto it = c.begin(); it != c.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (Strings{"name", "trainable", "dtype", "max_tokens", "standardize", "split", "ngrams", "output_mode",
                           "output_sequence_length", "pad_to_max_tokens", "sparse", "ragged", "vocabulary",
                           "idf_weights", "encoding", "vocabulary_size"}));
  EXPECT_EQ(c["vocabulary"], nullptr);  // learned: an asset, not config
  EXPECT_EQ(c["vocabulary_size"], 7);
  EXPECT_EQ(c["ngrams"], 2);
  // Rebuilt from the config alone the vocabulary is not there yet (it is an asset, read
  // after the weights), so only vocabulary_size differs, as in Keras.
  Config rebuilt = TextVectorization::from_config(c)->get_config(), without = c;
  EXPECT_EQ(rebuilt["vocabulary_size"], 2);
  rebuilt.erase("vocabulary_size");
  without.erase("vocabulary_size");
  EXPECT_EQ(rebuilt, without);
  EXPECT_THROW(TextVectorization({.standardize = "upper"}), ValueError);
  EXPECT_THROW(TextVectorization({.split = "comma"}), ValueError);
  EXPECT_THROW(TextVectorization({.output_mode = "count", .output_sequence_length = 3}), ValueError);
  EXPECT_THROW(TextVectorization({.ngrams = 0}), ValueError);
  EXPECT_THROW(TextVectorization({.ragged = true}), ValueError);
  EXPECT_THROW(layer(Tensor::ones({2, 1})), ValueError);                                  // not strings
  EXPECT_THROW(layer(Tensor::from_vector<std::string>({"a", "b"}, {1, 2})), ValueError);  // (n, 2)
}

// Word order decides the label: "x ... before y ..." is 1 when the token "alpha" comes
// before "omega" in the sentence. Needs the vectorizer's ids and positions.
TEST(TextVectorization, ModelTrainsOnRawStringsAndReloadsWithItsVocabulary) {
  utils::set_random_seed(3);
  std::mt19937 rng(3);
  const Strings filler{"red", "green", "blue", "big", "small", "old", "new", "fast"};
  Strings sentences;
  std::vector<float> labels;
  for (int i = 0; i < 512; ++i) {
    Strings words;
    for (int k = 0; k < 6; ++k) words.push_back(filler[rng() % filler.size()]);
    const size_t p = rng() % 6, q = (p + 1 + rng() % 5) % 6;
    const bool alpha_first = rng() % 2;
    words[std::min(p, q)] = alpha_first ? "Alpha," : "Omega!";
    words[std::max(p, q)] = alpha_first ? "omega" : "ALPHA";
    std::string s;
    for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
    sentences.push_back(s);
    labels.push_back(alpha_first ? 1.f : 0.f);
  }
  const Tensor x = Tensor::from_vector(sentences, Shape{512, 1});
  const Tensor y = Tensor::from_vector(labels, Shape{512, 1});
  auto vectorize = std::make_shared<TextVectorization>(TextVectorizationOptions{.output_sequence_length = 6});
  vectorize->adapt(x);
  EXPECT_EQ(vectorize->vocabulary_size(), 12);  // "", "[UNK]", alpha, omega and 8 fillers
  models::Sequential model({Input({1}, {.dtype = DType::string}), LayerHandle(vectorize), Embedding(12, 8), Flatten(),
                            Dense(16, {.activation = "relu"}), Dense(1, {.activation = "sigmoid"})});
  model.compile({.optimizer = "adam", .loss = "binary_crossentropy", .metrics = {"accuracy"}});
  models::FitOptions fit;
  fit.epochs = 30;
  fit.batch_size = 32;
  fit.verbose = 0;
  model.fit(x, y, fit);
  const Tensor p = model.predict(x, {.verbose = 0});
  int correct = 0;
  const auto pv = p.to_vector<float>();
  for (size_t i = 0; i < pv.size(); ++i) correct += (pv[i] > 0.5f) == (labels[i] > 0.5f);
  EXPECT_GT(correct, 480) << correct << " of 512";

  const std::string path = temp_path("text.keras");
  saving::save_model(model, path);
  {
    saving::ZipReader zip(path);
    EXPECT_TRUE(zip.has("assets/layers/text_vectorization/vocabulary.txt"));
    EXPECT_TRUE(zip.has("assets/layers/text_vectorization/_lookup_layer/vocabulary.txt"));
  }
  auto loaded = saving::load_model(path);
  const auto lv = loaded->predict(x, {.verbose = 0}).to_vector<float>();
  ASSERT_EQ(lv.size(), pv.size());
  for (size_t i = 0; i < pv.size(); ++i) EXPECT_FLOAT_EQ(lv[i], pv[i]);

  // The command-line tool takes the raw strings as a NumPy '<U' array.
  const std::string in = temp_path("texts.npy"), out = temp_path("probs.npy");
  save_npy(in, x);
  const std::string cmd = std::string(KERASCPP_PATH) + " predict " + path + " --input " + in + " --output " + out;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const auto tv = load_npy(out).to_vector<float>();
  ASSERT_EQ(tv.size(), pv.size());
  for (size_t i = 0; i < pv.size(); ++i) EXPECT_FLOAT_EQ(tv[i], pv[i]);
  for (const auto& f : {path, in, out}) std::filesystem::remove(f);
}

}  // namespace
}  // namespace keras
