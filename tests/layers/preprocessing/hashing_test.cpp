// Hashing against the outputs in Keras 3.15's docstring (hashing.py; Keras computed them
// with TensorFlow's FarmHash64 and SipHash64), integers hashed by their decimal form,
// the encoded output modes, config and errors. The hash functions themselves are
// checked against their published vectors in the StringHash suite.
#include "keras/layers/preprocessing/hashing.h"

#include "test_utils.h"
#include "utils/string_hash.h"

namespace keras {
namespace {

using namespace layers;
using Ints = std::vector<int64_t>;

Tensor letters(std::vector<std::string> s) {
  const auto n = static_cast<int64_t>(s.size());
  return Tensor::from_vector(s, Shape{n, 1});
}

TEST(Hashing, DocstringExamples) {
  Hashing farm(3);
  const Tensor y = farm(letters({"A", "B", "C", "D", "E"}));
  EXPECT_EQ(y.dtype(), DType::int64);
  EXPECT_EQ(y.shape(), (Shape{5, 1}));
  EXPECT_EQ(y.to_vector<int64_t>(), (Ints{1, 0, 1, 1, 2}));
  EXPECT_EQ(Hashing(3, {.mask_value = std::string("")})(letters({"A", "B", "", "C", "D"})).to_vector<int64_t>(),
            (Ints{1, 1, 0, 2, 2}));
  EXPECT_EQ(Hashing(3, {.salt = Ints{133, 137}})(letters({"A", "B", "C", "D", "E"})).to_vector<int64_t>(),
            (Ints{1, 2, 1, 0, 2}));
  EXPECT_EQ(Hashing(3, {.salt = Ints{133}})(letters({"A", "B", "C", "D", "E"})).to_vector<int64_t>(),
            (Ints{0, 0, 2, 1, 0}));
}

TEST(Hashing, IntegersHashTheirDecimalForm) {
  const Tensor ints = Tensor::from_vector<int64_t>({7, -12, 123456789});
  const Tensor as_text = Tensor::from_vector<std::string>({"7", "-12", "123456789"});
  Hashing h(1000);
  EXPECT_EQ(h(ints).to_vector<int64_t>(), h(as_text).to_vector<int64_t>());
  EXPECT_EQ(h(Tensor::from_vector<int32_t>({7, -12, 123456789})).to_vector<int64_t>(), h(ints).to_vector<int64_t>());
  EXPECT_EQ(h(Tensor::from_vector<float>({7.9f, -12.2f})).to_vector<int64_t>(),  // cast to int64 first
            (Ints{h(ints).to_vector<int64_t>()[0], h(ints).to_vector<int64_t>()[1]}));
  EXPECT_EQ(h(ints).to_vector<int64_t>()[0], static_cast<int64_t>(utils::farmhash_fingerprint64("7") % 1000));
  // An integer mask value.
  EXPECT_EQ(Hashing(5, {.mask_value = int64_t{7}})(ints).to_vector<int64_t>()[0], 0);
  EXPECT_EQ(Hashing(3, {.dtype = DType::int32})(ints).dtype(), DType::int32);
}

TEST(Hashing, EncodedOutputModes) {
  Hashing one_hot(3, {.output_mode = "one_hot"});
  const Tensor oh = one_hot(letters({"A", "B", "C"}));  // bins 1, 0, 1
  EXPECT_EQ(oh.shape(), (Shape{3, 3}));
  EXPECT_EQ(oh.dtype(), DType::float32);
  EXPECT_EQ(oh.to_vector<float>(), (std::vector<float>{0, 1, 0, 1, 0, 0, 0, 1, 0}));
  const Tensor rows = Tensor::from_vector<std::string>({"A", "B", "C", "E", "E", "E"}, {2, 3});
  EXPECT_EQ(Hashing(3, {.output_mode = "multi_hot"})(rows).to_vector<float>(), (std::vector<float>{1, 1, 0, 0, 0, 1}));
  EXPECT_EQ(Hashing(3, {.output_mode = "count"})(rows).to_vector<float>(), (std::vector<float>{1, 2, 0, 0, 0, 3}));
  EXPECT_EQ(Hashing(3, {.output_mode = "count"}).compute_output_shape(Shape{kNone, 3}), (Shape{kNone, 3}));
}

TEST(Hashing, ConfigAndErrors) {
  Hashing h(4, {.mask_value = std::string("-"), .salt = Ints{9}, .name = "hash"});
  const Config c = h.get_config();
  std::vector<std::string> keys;
  for (auto it = c.begin(); it != c.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "trainable", "dtype", "num_bins", "salt", "mask_value",
                                            "output_mode", "sparse"}));
  EXPECT_EQ(c["salt"], Config::parse("[9, 9]"));
  EXPECT_EQ(Hashing::from_config(c)->get_config(), c);
  EXPECT_THROW(Hashing(0), ValueError);
  EXPECT_THROW(Hashing(3, {.output_mode = "ints"}), ValueError);
  EXPECT_THROW(Hashing(3, {.salt = Ints{1, 2, 3}}), ValueError);
  EXPECT_THROW(Hashing(3, {.dtype = DType::float32}), ValueError);  // "int" mode needs an integer dtype
  EXPECT_THROW(Hashing(3, {.output_mode = "count", .sparse = true}), ValueError);
  EXPECT_THROW(Hashing(3, {.mask_value = std::string("")})(Tensor::from_vector<int64_t>({1})), ValueError);
}

}  // namespace
}  // namespace keras
