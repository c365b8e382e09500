// CategoryEncoding: the examples of Keras's docstring (keras/src/layers/preprocessing/
// category_encoding.py), the shape rules of numerical_utils.encode_categorical_inputs
// (keras/src/utils/numerical_utils.py), config, errors, and use inside models (the
// category_* reference cases run in the KerasCaseFiles suite).
#include "keras/layers/preprocessing/category_encoding.h"

#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras {
namespace {

using namespace layers;

std::vector<float> values(const Tensor& t) { return t.to_vector<float>(); }

TEST(CategoryEncoding, OneHotOfRankOneAndOfAColumn) {
  // Docstring: CategoryEncoding(4, "one_hot")([3, 2, 0, 1]).
  CategoryEncoding enc(4, {.output_mode = "one_hot"});
  const Tensor y = enc(Tensor::from_vector<int32_t>({3, 2, 0, 1}, {4}));
  EXPECT_EQ(y.shape(), (Shape{4, 4}));
  EXPECT_EQ(y.dtype(), DType::float32);
  EXPECT_EQ(values(y), (std::vector<float>{0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0}));
  // (B, 1) encodes on the last axis: (B, 4), same numbers.
  EXPECT_EQ(values(enc(Tensor::from_vector<int64_t>({3, 2, 0, 1}, {4, 1}))), values(y));
  // (B, 2) appends an axis.
  const Tensor z = enc(Tensor::from_vector<int32_t>({0, 3, 1, 1}, {2, 2}));
  EXPECT_EQ(z.shape(), (Shape{2, 2, 4}));
  EXPECT_EQ(values(z), (std::vector<float>{1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0}));
  EXPECT_EQ(enc.compute_output_shape(Shape{kNone, 1}), (Shape{kNone, 4}));
  EXPECT_EQ(enc.compute_output_shape(Shape{kNone}), (Shape{kNone, 4}));
  EXPECT_EQ(enc.compute_output_shape(Shape{kNone, 3}), (Shape{kNone, 3, 4}));
}

TEST(CategoryEncoding, MultiHotAndCount) {
  // Docstring: multi_hot of [[0, 1], [0, 0], [1, 2], [3, 1]].
  const Tensor x = Tensor::from_vector<int32_t>({0, 1, 0, 0, 1, 2, 3, 1}, {4, 2});
  EXPECT_EQ(values(CategoryEncoding(4)(x)), (std::vector<float>{1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1}));
  // "binary" is Keras's old name for multi_hot.
  CategoryEncoding binary(4, {.output_mode = "binary"});
  EXPECT_EQ(binary.options().output_mode, "multi_hot");
  // Count: repeats add up ([0, 0] -> 2 at index 0).
  CategoryEncoding count(4, {.output_mode = "count"});
  EXPECT_EQ(values(count(x)), (std::vector<float>{1, 1, 0, 0, 2, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1}));
  // Docstring: count_weights [[.1, .2], [.1, .1], [.2, .3], [.4, .2]] sum per index.
  const Tensor w = Tensor::from_vector<float>({.1f, .2f, .1f, .1f, .2f, .3f, .4f, .2f}, {4, 2});
  const auto got = values(count(x, w));
  const std::vector<float> want{.1f, .2f, 0, 0, .2f, 0, 0, 0, 0, .2f, .3f, 0, 0, .2f, 0, .4f};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-7) << i;
  // Rank 1 is one sample; a scalar is a sample of one value.
  EXPECT_EQ(values(count(Tensor::from_vector<int32_t>({2, 2, 0}, {3}))), (std::vector<float>{1, 0, 2, 0}));
  EXPECT_EQ(count(Tensor::from_vector<int32_t>({2, 2, 0}, {3})).shape(), (Shape{4}));
  EXPECT_EQ(values(count(Tensor::from_vector<int32_t>({3}, Shape{}))), (std::vector<float>{0, 0, 0, 1}));
  // Rank 3: the sample axis is axis 1, as Keras's backends reduce it.
  const Tensor r3 = Tensor::from_vector<int32_t>({0, 1, 0, 2, 3, 3, 1, 1}, {2, 2, 2});
  EXPECT_EQ(count.compute_output_shape(Shape{kNone, 2, 2}), (Shape{kNone, 2, 4}));
  EXPECT_EQ(values(count(r3)), (std::vector<float>{2, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1}));
  // Empty samples encode to zeros.
  EXPECT_EQ(values(CategoryEncoding(3)(Tensor::zeros({2, 0}, DType::int32))), (std::vector<float>(6, 0)));
}

TEST(CategoryEncoding, IntegerValuedFloatsAndOtherDtypes) {
  CategoryEncoding enc(3, {.output_mode = "count", .dtype = DType::float64});
  const Tensor y = enc(Tensor::from_vector<float>({2, 2, 1}, {1, 3}));
  EXPECT_EQ(y.dtype(), DType::float64);
  EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(values(CategoryEncoding(3)(Tensor::from_vector<uint8_t>({0, 2}, {1, 2}))), (std::vector<float>{1, 0, 1}));
}

TEST(CategoryEncoding, ErrorsNameTheLayerTheArgumentAndTheValue) {
  CategoryEncoding enc(5, {.output_mode = "one_hot", .name = "ids"});
  testing::expect_error<ValueError>(
      [&] {
        enc(Tensor::from_vector<int32_t>({1, 5}, {2, 1}));
      },
      {"\"ids\"", "num_tokens=5", "Received: 5", "position 1"});
  testing::expect_error<ValueError>([&] { enc(Tensor::from_vector<int64_t>({-1}, {1})); },
                                    {"num_tokens=5", "Received: -1"});
  testing::expect_error<ValueError>([&] { enc(Tensor::from_vector<float>({1.5f}, {1})); }, {"integers", "1.5"});
  testing::expect_error<ValueError>([] { CategoryEncoding(0); }, {"num_tokens=0"});
  testing::expect_error<ValueError>([] { CategoryEncoding(3, {.output_mode = "tf_idf"}); }, {"output_mode", "tf_idf"});
  testing::expect_error<ValueError>([] { CategoryEncoding(3, {.sparse = true}); }, {"sparse=True"});
  const Tensor x = Tensor::from_vector<int32_t>({1, 2}, {1, 2});
  testing::expect_error<ValueError>(
      [&] {
        CategoryEncoding(3)(x, Tensor::ones({1, 2}));
      },
      {"count_weights", "multi_hot"});
  CategoryEncoding count(3, {.output_mode = "count"});
  testing::expect_error<ValueError>([&] { count(x, Tensor::ones({1, 3})); }, {"count_weights", "(1, 2)", "(1, 3)"});
}

TEST(CategoryEncoding, ConfigRoundTrip) {
  CategoryEncoding enc(7, {.output_mode = "count", .name = "enc"});
  const Config c = enc.get_config();
  std::vector<std::string> keys;
  for (auto it = c.begin(); it != c.end(); ++it) keys.push_back(it.key());
  // Keras 3.15's keys (the version of the reference cases; later versions add "sparse").
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "trainable", "dtype", "num_tokens", "output_mode"}));
  EXPECT_EQ(c["num_tokens"], 7);
  EXPECT_EQ(c["output_mode"], "count");
  auto back = std::dynamic_pointer_cast<CategoryEncoding>(CategoryEncoding::from_config(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->get_config().dump(), c.dump());
  // Newer Keras writes "sparse" (false reads; true is refused); num_tokens is required.
  Config old = c;
  old["sparse"] = false;
  EXPECT_EQ(CategoryEncoding::from_config(old)->get_config().dump(), c.dump());
  old["sparse"] = true;
  testing::expect_error<ValueError>([&] { CategoryEncoding::from_config(old); }, {"sparse=True"});
  old.erase("num_tokens");
  testing::expect_error<IOError>([&] { CategoryEncoding::from_config(old); }, {"num_tokens"});
  EXPECT_TRUE(enc.weights().empty());
}

TEST(CategoryEncoding, InModelsPredictFitSaveAndLoad) {
  utils::clear_session();
  // As a preprocessing layer in front of a trained Dense.
  Sequential model({Input({4}, {.dtype = DType::int32}), CategoryEncoding(6), Dense(1)});
  model.compile("sgd", "mse");
  const Tensor x = Tensor::from_vector<int32_t>({0, 1, 2, 3, 5, 5, 4, 0}, {2, 4});
  const Tensor y = Tensor::from_vector<float>({1, 2}, {2, 1});
  const double before = model.evaluate(x, y, {.batch_size = 32, .verbose = 0, .callbacks = {}}).at("loss");
  model.fit(x, y, {.batch_size = 2, .epochs = 5, .verbose = 0});
  EXPECT_LT(model.evaluate(x, y, {.batch_size = 32, .verbose = 0, .callbacks = {}}).at("loss"), before);

  // count_weights as a second input of a functional graph, saved and loaded.
  auto ids = Input({3}, {.dtype = DType::int32});
  auto w = Input({3});
  auto enc = std::make_shared<CategoryEncoding>(4, CategoryEncodingOptions{.output_mode = "count"});
  Model weighted({ids, w}, (*enc)(ids, w));
  const TensorList in{Tensor::from_vector<int32_t>({1, 1, 3, 0, 2, 2}, {2, 3}),
                      Tensor::from_vector<float>({0.5f, 0.25f, 2, 1, 3, 4}, {2, 3})};
  const Tensor want = Tensor::from_vector<float>({0, 0.75f, 0, 2, 1, 0, 7, 0}, {2, 4});
  testing::expect_allclose(weighted.predict(in, {.batch_size = 32, .verbose = 0, .callbacks = {}})[0], want, 0, 0,
                           "weighted counts");
  for (const std::string ext : {".keras", ".h5"}) {
    const std::string path = testing::temp_dir() + "/category_weighted" + ext;
    weighted.save(path);
    testing::expect_allclose(
        saving::load_model(path)->predict(in, {.batch_size = 32, .verbose = 0, .callbacks = {}})[0], want, 0, 0,
        "reloaded " + ext);
  }
}

}  // namespace
}  // namespace keras
