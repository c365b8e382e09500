// StringLookup and IntegerLookup against the examples of Keras 3.15's docstrings
// (string_lookup.py, integer_lookup.py: Keras computed those outputs with TensorFlow,
// the OOV buckets with FarmHash included), values worked out from index_lookup.py
// (special indices, vocabulary order, tf_idf weights), configs, errors, and the
// vocabulary kept in a .keras file: in the config when given, as Keras's
// "vocabulary.txt" asset when learned.
#include <cmath>
#include <filesystem>

#include "keras/layers/core/input_layer.h"
#include "keras/layers/preprocessing/integer_lookup.h"
#include "keras/layers/preprocessing/string_lookup.h"
#include "keras/models/sequential.h"
#include "keras/saving/saving.h"
#include "saving/zip_archive.h"
#include "test_utils.h"

namespace keras {
namespace {

using namespace layers;
using Strings = std::vector<std::string>;
using Ints = std::vector<int64_t>;

Tensor strings(const Strings& s, const Shape& shape) { return Tensor::from_vector(s, shape); }

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("keras_lookup_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(StringLookup, DocstringExamples) {
  const Strings vocab{"a", "b", "c", "d"};
  StringLookup layer({.vocabulary = vocab});
  const Tensor y = layer(strings({"a", "c", "d", "d", "z", "b"}, {2, 3}));
  EXPECT_EQ(y.dtype(), DType::int64);
  EXPECT_EQ(y.to_vector<int64_t>(), (Ints{1, 3, 4, 4, 0, 2}));
  EXPECT_EQ(layer.get_vocabulary(), (Strings{"[UNK]", "a", "b", "c", "d"}));
  EXPECT_EQ(layer.vocabulary_size(), 5);

  // Adapted: by count, then ties by the token, both descending.
  StringLookup adapted;
  adapted.adapt(strings({"a", "c", "d", "d", "z", "b"}, {2, 3}));
  EXPECT_EQ(adapted.get_vocabulary(), (Strings{"[UNK]", "d", "z", "c", "b", "a"}));
  EXPECT_EQ(adapted(strings({"a", "c", "d", "d", "z", "b"}, {2, 3})).to_vector<int64_t>(), (Ints{5, 3, 1, 1, 2, 4}));
  EXPECT_EQ(adapted.get_vocabulary(false), (Strings{"d", "z", "c", "b", "a"}));

  // Two OOV indices: "m" and "z" hash (FarmHash64) into buckets 0 and 1, as in Keras.
  StringLookup two_oov({.num_oov_indices = 2, .vocabulary = vocab});
  EXPECT_EQ(two_oov(strings({"a", "c", "d", "m", "z", "b"}, {2, 3})).to_vector<int64_t>(), (Ints{2, 4, 5, 0, 1, 3}));

  StringLookup one_hot({.vocabulary = vocab, .output_mode = "one_hot"});
  const Tensor oh = one_hot(strings({"a", "b", "c", "d", "z"}, {5}));
  EXPECT_EQ(oh.shape(), (Shape{5, 5}));
  EXPECT_EQ(oh.dtype(), DType::float32);
  EXPECT_EQ(oh.to_vector<float>(),
            (std::vector<float>{0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0}));
  const Tensor data = strings({"a", "c", "d", "d", "d", "z", "b", "z"}, {2, 4});
  EXPECT_EQ(StringLookup({.vocabulary = vocab, .output_mode = "multi_hot"})(data).to_vector<float>(),
            (std::vector<float>{0, 1, 0, 1, 1, 1, 0, 1, 0, 1}));
  EXPECT_EQ(StringLookup({.vocabulary = vocab, .output_mode = "count"})(data).to_vector<float>(),
            (std::vector<float>{0, 1, 0, 1, 2, 2, 0, 1, 0, 1}));

  // tf_idf: the OOV weight is the mean of the given ones unless the vocabulary has it.
  StringLookup tf_idf({.output_mode = "tf_idf"});
  tf_idf.set_vocabulary(vocab, std::vector<double>{0.25, 0.75, 0.6, 0.4});
  const std::vector<float> want{0, 0.25f, 0, 0.6f, 0.8f, 1.0f, 0, 0.75f, 0, 0.4f};
  const auto got = tf_idf(data).to_vector<float>();
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-6) << i;
  StringLookup tf_idf_unk({.output_mode = "tf_idf"});
  tf_idf_unk.set_vocabulary({"[UNK]", "a", "b", "c", "d"}, std::vector<double>{0.9, 0.25, 0.75, 0.6, 0.4});
  EXPECT_NEAR(tf_idf_unk(data).to_vector<float>()[5], 1.8f, 1e-6);

  // Inverse lookup.
  StringLookup inverse({.vocabulary = vocab, .invert = true});
  const Tensor back = inverse(Tensor::from_vector<int64_t>({1, 3, 4, 4, 0, 2}, {2, 3}));
  EXPECT_EQ(back.dtype(), DType::string);
  EXPECT_EQ(back.to_vector<std::string>(), (Strings{"a", "c", "d", "d", "[UNK]", "b"}));
}

TEST(StringLookup, MaskTokenAndSpecialTokensInTheVocabulary) {
  // mask_token: index 0 in "int" mode, then the OOV index.
  StringLookup masked({.mask_token = std::string(""), .vocabulary = Strings{"a", "b"}});
  EXPECT_EQ(masked(strings({"a", "", "x", "b"}, {4})).to_vector<int64_t>(), (Ints{2, 0, 1, 3}));
  EXPECT_EQ(masked.get_vocabulary(), (Strings{"", "[UNK]", "a", "b"}));
  // A vocabulary that starts with the special tokens in order is taken as is.
  StringLookup with_specials({.mask_token = std::string(""), .vocabulary = Strings{"", "[UNK]", "a", "b"}});
  EXPECT_EQ(with_specials.get_vocabulary(), (Strings{"", "[UNK]", "a", "b"}));
  // Outside "int" mode the mask has no index and is dropped from the counts.
  StringLookup counted({.mask_token = std::string(""), .vocabulary = Strings{"a", "b"}, .output_mode = "count"});
  EXPECT_EQ(counted(strings({"a", "", "", "b", "b", "x"}, {1, 6})).to_vector<float>(), (std::vector<float>{1, 1, 2}));
  // Inverting: 0 is the mask token, other unknown indices the OOV token.
  StringLookup inverse({.mask_token = std::string("[PAD]"), .vocabulary = Strings{"a"}, .invert = true});
  EXPECT_EQ(inverse(Tensor::from_vector<int64_t>({0, 1, 2, 3})).to_vector<std::string>(),
            (Strings{"[PAD]", "[UNK]", "a", "[UNK]"}));
  // max_tokens counts the special indices; pad_to_max_tokens widens the vectors.
  StringLookup capped({.max_tokens = 3});
  capped.adapt(strings({"x", "y", "y", "z", "z", "z"}, {6}));
  EXPECT_EQ(capped.get_vocabulary(), (Strings{"[UNK]", "z", "y"}));
  StringLookup padded(
      {.max_tokens = 6, .vocabulary = Strings{"a", "b"}, .output_mode = "multi_hot", .pad_to_max_tokens = true});
  EXPECT_EQ(padded(strings({"b"}, {1, 1})).to_vector<float>(), (std::vector<float>{0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(padded.compute_output_shape(Shape{kNone, 3}), (Shape{kNone, 6}));
}

TEST(StringLookup, SaltedOovBucketsAndNoOov) {
  // salt: SipHash-2-4 keyed (salt, salt); every OOV lands in a bucket, ids stay in range.
  StringLookup salted({.num_oov_indices = 3, .vocabulary = Strings{"a"}, .salt = Ints{7}});
  EXPECT_EQ(salted.options().salt, (Ints{7, 7}));
  for (int64_t id : salted(strings({"q", "r", "s", "t", "a"}, {5})).to_vector<int64_t>()) {
    EXPECT_GE(id, 0);
    EXPECT_LE(id, 3);
  }
  EXPECT_EQ(salted(strings({"a"}, {1})).to_vector<int64_t>(), (Ints{3}));
  StringLookup strict({.num_oov_indices = 0, .vocabulary = Strings{"a", "b"}});
  EXPECT_EQ(strict(strings({"b", "a"}, {2})).to_vector<int64_t>(), (Ints{1, 0}));
  EXPECT_THROW(strict(strings({"a", "zz"}, {2})), ValueError);
}

TEST(StringLookup, TfIdfAdaptIsKerasFormula) {
  // Three documents (rows); idf = log(1 + 3 / (1 + documents holding the token)).
  StringLookup layer({.output_mode = "tf_idf"});
  layer.adapt(strings({"a", "a", "b", "a", "c", "c", "b", "b", "b"}, {3, 3}));
  // Counts: b 4, a 3, c 2 -> [UNK], b, a, c; documents: b 2, a 2, c 1.
  EXPECT_EQ(layer.get_vocabulary(), (Strings{"[UNK]", "b", "a", "c"}));
  const double b = std::log(1 + 3.0 / 3), a = std::log(1 + 3.0 / 3), c = std::log(1 + 3.0 / 2);
  const double unk = (b + a + c) / 3;
  const auto y = layer(strings({"a", "a", "x", "c"}, {1, 4})).to_vector<float>();
  EXPECT_NEAR(y[0], unk, 1e-6);
  EXPECT_NEAR(y[1], 0, 1e-6);
  EXPECT_NEAR(y[2], 2 * a, 1e-6);
  EXPECT_NEAR(y[3], c, 1e-6);
  ASSERT_EQ(layer.weights().size(), 1u);
  EXPECT_FALSE(layer.weights()[0].trainable());
}

TEST(IntegerLookup, DocstringExamples) {
  const Ints vocab{12, 36, 1138, 42};
  IntegerLookup layer({.vocabulary = vocab});
  EXPECT_EQ(layer(Tensor::from_vector<int64_t>({12, 1138, 42, 42, 1000, 36}, {2, 3})).to_vector<int64_t>(),
            (Ints{1, 3, 4, 4, 0, 2}));
  EXPECT_EQ(layer.get_vocabulary(), (Ints{-1, 12, 36, 1138, 42}));
  // int32 and float inputs are read as int64.
  EXPECT_EQ(layer(Tensor::from_vector<int32_t>({36, 7}, {2})).to_vector<int64_t>(), (Ints{2, 0}));
  EXPECT_EQ(layer(Tensor::from_vector<float>({36.f, 42.f}, {2})).to_vector<int64_t>(), (Ints{2, 4}));

  IntegerLookup adapted;
  adapted.adapt(Tensor::from_vector<int64_t>({12, 1138, 42, 42, 1000, 36}, {2, 3}));
  EXPECT_EQ(adapted.get_vocabulary(), (Ints{-1, 42, 1138, 1000, 36, 12}));
  EXPECT_EQ(adapted(Tensor::from_vector<int64_t>({12, 1138, 42, 42, 1000, 36}, {2, 3})).to_vector<int64_t>(),
            (Ints{5, 2, 1, 1, 3, 4}));

  // Two OOV indices by floor mod: 37 -> 1, 1000 -> 0.
  IntegerLookup two_oov({.num_oov_indices = 2, .vocabulary = vocab});
  EXPECT_EQ(two_oov(Tensor::from_vector<int64_t>({12, 1138, 42, 37, 1000, 36}, {2, 3})).to_vector<int64_t>(),
            (Ints{2, 4, 5, 1, 0, 3}));
  // floormod piles multiples into one bucket; farmhash (of "100", "300", ...) spreads them.
  const Tensor oov = Tensor::from_vector<int64_t>({100, 300, 700, 1100, 1700, 2000});
  IntegerLookup floormod({.num_oov_indices = 4, .vocabulary = Ints{10, 20, 30}});
  EXPECT_EQ(floormod(oov).to_vector<int64_t>(), (Ints{0, 0, 0, 0, 0, 0}));
  IntegerLookup farmhash({.num_oov_indices = 4, .vocabulary = Ints{10, 20, 30}, .oov_method = "farmhash"});
  EXPECT_EQ(farmhash(oov).to_vector<int64_t>(), (Ints{3, 3, 2, 2, 0, 1}));
  // Negative tokens: Python's floor mod.
  EXPECT_EQ(two_oov(Tensor::from_vector<int64_t>({-3})).to_vector<int64_t>(), (Ints{1}));

  IntegerLookup inverse({.vocabulary = vocab, .invert = true});
  EXPECT_EQ(inverse(Tensor::from_vector<int64_t>({1, 3, 4, 4, 0, 2}, {2, 3})).to_vector<int64_t>(),
            (Ints{12, 1138, 42, 42, -1, 36}));
}

TEST(IndexLookup, BadArgumentsNameTheLayer) {
  auto message = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_NE(message([] { StringLookup({.max_tokens = 1, .name = "lk"}); }).find("max_tokens"), std::string::npos);
  EXPECT_NE(message([] { StringLookup({.vocabulary = Strings{"a", "b", "a"}}); }).find("repeated"), std::string::npos);
  EXPECT_NE(message([] { StringLookup({.output_mode = "ints"}); }).find("output_mode"), std::string::npos);
  EXPECT_NE(message([] { StringLookup({.invert = true, .output_mode = "count"}); }).find("invert"), std::string::npos);
  EXPECT_NE(message([] { StringLookup({.num_oov_indices = -1}); }).find("num_oov_indices"), std::string::npos);
  EXPECT_NE(message([] { StringLookup({.sparse = true}); }).find("sparse"), std::string::npos);
  EXPECT_NE(message([] {
              StringLookup({.mask_token = std::string("a"), .vocabulary = Strings{"b", "a"}});
            }).find("mask token"),
            std::string::npos);
  EXPECT_NE(message([] { StringLookup({.vocabulary = Strings{"a"}, .output_mode = "tf_idf"}); }).find("idf_weights"),
            std::string::npos);
  EXPECT_NE(message([] { IntegerLookup({.salt = Ints{1}}); }).find("salt"), std::string::npos);
  EXPECT_NE(message([] { StringLookup({.salt = Ints{1, 2, 3}}); }).find("salt"), std::string::npos);
  // Wrong input types, an adapt after a given vocabulary, a count layer without one.
  StringLookup given({.vocabulary = Strings{"a"}, .name = "given"});
  EXPECT_NE(message([&] { given(Tensor::ones({2})); }).find("strings"), std::string::npos);
  EXPECT_NE(message([&] { given.adapt(strings({"a"}, {1})); }).find("given"), std::string::npos);
  EXPECT_NE(message([] { IntegerLookup({.vocabulary = Ints{1}})(strings({"a"}, {1})); }).find("integers"),
            std::string::npos);
  EXPECT_NE(message([] { StringLookup({.output_mode = "count"})(strings({"a"}, {1})); }).find("vocabulary"),
            std::string::npos);
}

TEST(IndexLookup, ConfigsAsKerasWritesThem) {
  StringLookup layer({.num_oov_indices = 2,
                      .mask_token = std::string(""),
                      .vocabulary = Strings{"a", "b"},
                      .salt = Ints{5},
                      .name = "lookup"});
  const Config c = layer.get_config();
  Strings keys;
  for (auto it = c.begin(); it != c.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (Strings{"name", "trainable", "dtype", "invert", "max_tokens", "num_oov_indices", "oov_token",
                           "mask_token", "output_mode", "sparse", "pad_to_max_tokens", "idf_weights", "vocabulary",
                           "vocabulary_size", "oov_method", "salt", "encoding"}));
  EXPECT_EQ(c["vocabulary_size"], 5);
  EXPECT_EQ(c["salt"], Config::parse("[5, 5]"));
  auto back = std::dynamic_pointer_cast<StringLookup>(StringLookup::from_config(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->get_config(), c);
  EXPECT_EQ(back->get_vocabulary(), layer.get_vocabulary());
  // Sizes a hostile file could ask for are refused before anything is allocated.
  Config hostile = c;
  hostile["vocabulary"] = nullptr;
  hostile["output_mode"] = "tf_idf";
  hostile["vocabulary_size"] = int64_t{1} << 40;
  EXPECT_THROW(StringLookup::from_config(hostile), ValueError);
  hostile["vocabulary_size"] = -5;
  EXPECT_THROW(StringLookup::from_config(hostile), ValueError);

  IntegerLookup ints({.mask_token = int64_t{0}, .vocabulary = Ints{7, 9}});
  const Config ic = ints.get_config();
  EXPECT_EQ(ic["vocabulary_dtype"], "int64");
  EXPECT_EQ(ic["oov_token"], -1);
  EXPECT_EQ(ic["mask_token"], 0);
  EXPECT_FALSE(ic.contains("encoding"));
  EXPECT_EQ(IntegerLookup::from_config(ic)->get_config(), ic);
}

TEST(IndexLookup, LearnedVocabularyTravelsAsAKerasAsset) {
  // A model whose lookup was adapted: the vocabulary is not in the config but in
  // assets/layers/string_lookup/vocabulary.txt, special tokens first, one per line.
  auto lookup = std::make_shared<StringLookup>(StringLookupOptions{.output_mode = "multi_hot"});
  lookup->adapt(strings({"cat", "dog", "dog", "emu", "dog", "cat"}, {6}));
  models::Sequential model({Input({3}, {.dtype = DType::string}), LayerHandle(lookup)});
  const Tensor x = strings({"dog", "emu", "yak", "cat", "cat", "cat"}, {2, 3});
  const Tensor y = model.predict(x, {.verbose = 0});
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{1, 1, 0, 1, 0, 0, 1, 0}));
  const std::string path = temp_path("lookup.keras");
  saving::save_model(model, path);
  {
    saving::ZipReader zip(path);
    ASSERT_TRUE(zip.has("assets/layers/string_lookup/vocabulary.txt"));
    const auto bytes = zip.read("assets/layers/string_lookup/vocabulary.txt", 1000);
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "[UNK]\ndog\ncat\nemu");
  }
  auto loaded = saving::load_model(path);
  EXPECT_EQ(loaded->predict(x, {.verbose = 0}).to_vector<float>(), y.to_vector<float>());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace keras
