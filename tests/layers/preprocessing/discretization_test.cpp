// Discretization: bucketing by np.digitize's rule, adapt()'s quantiles worked by hand
// from discretization.py (summarize, merge_summaries, compress_summary,
// get_bin_boundaries: keras/src/layers/preprocessing/discretization.py), the encoded
// output modes, config, errors and use inside models (the discretization_* reference
// cases run in the KerasCaseFiles suite).
#include "keras/layers/preprocessing/discretization.h"

#include <cmath>
#include <limits>

#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras {
namespace {

using namespace layers;

TEST(Discretization, BucketsAreClosedOnTheLeft) {
  // Docstring: boundaries [0, 1, 2] on [[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]].
  Discretization d({.bin_boundaries = {0.0, 1.0, 2.0}});
  const Tensor y = d(Tensor::from_vector<float>({-1.5f, 1.0f, 3.4f, .5f, 0.0f, 3.0f, 1.3f, 0.0f}, {2, 4}));
  EXPECT_EQ(y.dtype(), DType::int32);
  EXPECT_EQ(y.shape(), (Shape{2, 4}));
  EXPECT_EQ(y.to_vector<int32_t>(), (std::vector<int32_t>{0, 2, 3, 1, 1, 3, 2, 1}));
  // On each boundary the upper bucket; NaN and +inf the last, -inf the first.
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(
      d(Tensor::from_vector<float>({0, 1, 2, nan, inf, -inf, std::nextafter(0.f, -1.f)}, {1, 7})).to_vector<int32_t>(),
      (std::vector<int32_t>{1, 2, 3, 3, 3, 0, 0}));
  // Integer inputs are read as float32; equal boundaries leave an empty bucket.
  Discretization dup({.bin_boundaries = {1.0, 1.0}});
  EXPECT_EQ(dup(Tensor::from_vector<int32_t>({0, 1, 2}, {1, 3})).to_vector<int32_t>(), (std::vector<int32_t>{0, 2, 2}));
  // No boundaries: one bucket.
  EXPECT_EQ(Discretization({.bin_boundaries = std::vector<double>{}})(Tensor::ones({2, 2})).to_vector<int32_t>(),
            (std::vector<int32_t>(4, 0)));
  EXPECT_EQ(d.compute_output_shape(Shape{kNone, 4}), (Shape{kNone, 4}));
  EXPECT_TRUE(d.weights().empty());
}

TEST(Discretization, EncodedOutputModes) {
  const Tensor x = Tensor::from_vector<float>({-1, 0.5f, 0.5f, 3, 1, 1}, {2, 3});  // buckets 0 1 1 / 2 2 2
  Discretization one_hot({.bin_boundaries = {0.0, 1.0}, .output_mode = "one_hot"});
  const Tensor oh = one_hot(x);
  EXPECT_EQ(oh.dtype(), DType::float32);
  EXPECT_EQ(oh.shape(), (Shape{2, 3, 3}));
  EXPECT_EQ(oh.to_vector<float>(), (std::vector<float>{1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1}));
  EXPECT_EQ(one_hot.compute_output_shape(Shape{kNone, 1}), (Shape{kNone, 3}));
  EXPECT_EQ(one_hot.compute_output_shape(Shape{kNone}), (Shape{kNone, 3}));
  Discretization multi({.bin_boundaries = {0.0, 1.0}, .output_mode = "multi_hot"});
  EXPECT_EQ(multi(x).to_vector<float>(), (std::vector<float>{1, 1, 0, 0, 0, 1}));
  Discretization count({.bin_boundaries = {0.0, 1.0}, .output_mode = "count"});
  EXPECT_EQ(count(x).to_vector<float>(), (std::vector<float>{1, 2, 0, 0, 0, 3}));
  EXPECT_EQ(count.compute_output_shape(Shape{kNone, 3}), (Shape{kNone, 3}));
  EXPECT_EQ(count.compute_output_shape(Shape{kNone, 3, 5}), (Shape{kNone, 5, 3}));  // Keras drops axis 1
}

TEST(Discretization, AdaptMatchesKerasQuantiles) {
  // Docstring: num_bins=4, epsilon=0.01 on [[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]].
  // 8 values < 1/epsilon: summarize keeps them all with weight 1; compress_summary at
  // 1/4 interpolates the cumulative shares 1/8..8/8 at 0.25, 0.5, 0.75, 1.0, which hit
  // sorted values 2, 4, 6, 8 exactly: 0, 0.5, 1.3, 3.4; the last is dropped.
  const Tensor x = Tensor::from_vector<float>({-1.5f, 1.0f, 3.4f, .5f, 0.0f, 3.0f, 1.3f, 0.0f}, {2, 4});
  Discretization d({.num_bins = 4, .epsilon = 0.01});
  d.adapt(x);
  ASSERT_TRUE(d.bin_boundaries());
  EXPECT_EQ(*d.bin_boundaries(), (std::vector<double>{0.0, 0.5, static_cast<double>(1.3f)}));
  EXPECT_EQ(d(x).to_vector<int32_t>(), (std::vector<int32_t>{0, 2, 3, 2, 1, 3, 3, 1}));

  // 1..8 into 3 bins: shares k/8; 1/3 falls between 2/8 and 3/8 -> 2 + (1/3 - 1/4) * 8 = 8/3,
  // 2/3 between 5/8 and 6/8 -> 5 + (2/3 - 5/8) * 8 = 16/3 (as float32).
  const Tensor ramp = Tensor::from_vector<float>({5, 3, 8, 1, 7, 2, 6, 4}, {8});
  Discretization thirds({.num_bins = 3});
  thirds.adapt(ramp);
  EXPECT_EQ(*thirds.bin_boundaries(), (std::vector<double>{static_cast<double>(static_cast<float>(8.0 / 3)),
                                                           static_cast<double>(static_cast<float>(16.0 / 3))}));
  // Two batches merge into the same summary (weights 1, sorted together).
  Discretization merged({.num_bins = 3});
  merged.adapt(
      TensorList{Tensor::from_vector<float>({5, 3, 8, 1}, {4}), Tensor::from_vector<float>({7, 2, 6, 4}, {4})});
  EXPECT_EQ(*merged.bin_boundaries(), *thirds.bin_boundaries());
  // A new adapt starts over (Keras's reset_state).
  merged.adapt(Tensor::from_vector<float>({10, 20, 30, 40, 50, 60}, {6}));
  EXPECT_EQ(merged.bin_boundaries()->size(), 2u);
  EXPECT_GT(merged.bin_boundaries()->front(), 10.0);

  // Fewer summary points than num_bins: compress_summary leaves the summary as it is
  // (2 points * 1/3 < 1) and the boundaries are its values but the last. 0..9 with
  // epsilon 0.5: step = 10 * 0.5 = 5, values[4::5] = 4, 9 with weight 5 -> one boundary, 4.
  Discretization coarse({.num_bins = 3, .epsilon = 0.5});
  coarse.adapt(Tensor::from_vector<float>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {10}));
  EXPECT_EQ(*coarse.bin_boundaries(), (std::vector<double>{4.0}));

  // More values than 1/epsilon: 0..999 with epsilon 0.01 keeps every 10th value from the
  // 10th (9, 19, ..., 999) with weight 10; quartiles of that are close to 249, 499, 749.
  std::vector<float> big(1000);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<float>(999 - i);
  Discretization quartiles({.num_bins = 4});
  quartiles.adapt(Tensor::from_vector<float>(big, {1000}));
  const auto q = *quartiles.bin_boundaries();
  ASSERT_EQ(q.size(), 3u);
  EXPECT_NEAR(q[0], 249, 1e-3);
  EXPECT_NEAR(q[1], 499, 1e-3);
  EXPECT_NEAR(q[2], 749, 1e-3);
}

TEST(Discretization, ConfigRoundTrip) {
  Discretization given({.bin_boundaries = {-1.0, 0.5}, .output_mode = "count", .name = "buckets"});
  const Config c = given.get_config();
  std::vector<std::string> keys;
  for (auto it = c.begin(); it != c.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"bin_boundaries", "num_bins", "epsilon", "output_mode", "sparse", "name",
                                            "dtype"}));
  EXPECT_EQ(c.dump(),
            R"({"bin_boundaries":[-1.0,0.5],"num_bins":null,"epsilon":0.01,"output_mode":"count","sparse":false,)"
            R"("name":"buckets","dtype":"float32"})");
  EXPECT_EQ(Discretization::from_config(c)->get_config().dump(), c.dump());
  // Adapted: both keys set; the copy keeps the boundaries and can adapt again.
  Discretization adapted({.num_bins = 4});
  EXPECT_TRUE(adapted.get_config()["bin_boundaries"].is_null());
  adapted.adapt(Tensor::from_vector<float>({-1.5f, 1.0f, 3.4f, .5f, 0.0f, 3.0f, 1.3f, 0.0f}, {8}));
  auto copy = std::dynamic_pointer_cast<Discretization>(Discretization::from_config(adapted.get_config()));
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->bin_boundaries(), adapted.bin_boundaries());
  EXPECT_EQ(copy->get_config().dump(), adapted.get_config().dump());
  copy->adapt(Tensor::from_vector<float>({1, 2, 3, 4, 5, 6, 7, 8}, {8}));
  // The dtype as a DTypePolicy dict (other layers' form) is read too.
  Config policy = c;
  policy["dtype"] = {{"module", "keras"}, {"class_name", "DTypePolicy"}, {"config", {{"name", "float64"}}}};
  EXPECT_EQ(Discretization::from_config(policy)->dtype(), DType::float64);
}

TEST(Discretization, ErrorsNameTheArgument) {
  testing::expect_error<ValueError>([] { Discretization(); }, {"either `num_bins` or `bin_boundaries`"});
  testing::expect_error<ValueError>([] { Discretization({.bin_boundaries = {1.0}, .num_bins = 2}); },
                                    {"`num_bins=2`", "`bin_boundaries=[1.0]`"});
  testing::expect_error<ValueError>([] { Discretization({.num_bins = -1}); }, {"num_bins=-1"});
  testing::expect_error<ValueError>([] { Discretization({.num_bins = 2, .output_mode = "tf_idf"}); },
                                    {"output_mode=tf_idf"});
  testing::expect_error<ValueError>([] { Discretization({.num_bins = 2, .sparse = true}); }, {"sparse=True"});
  testing::expect_error<ValueError>(
      [] {
        Discretization({.bin_boundaries = {2.0, 1.0}});
      },
      {"`bin_boundaries`", "sorted", "[2.0,1.0]"});
  testing::expect_error<ValueError>([] { Discretization({.bin_boundaries = 1.0}); }, {"`bin_boundaries`", "list"});
  Discretization unadapted({.num_bins = 3, .name = "later"});
  testing::expect_error<ValueError>([&] { unadapted(Tensor::ones({1, 2})); }, {"\"later\"", "adapt("});
  testing::expect_error<ValueError>([] { Discretization({.bin_boundaries = {0.0}}).adapt(Tensor::ones({2})); },
                                    {"use `num_bins`"});
  testing::expect_error<ValueError>([] { Discretization({.num_bins = 2, .epsilon = 0}).adapt(Tensor::ones({2})); },
                                    {"epsilon=0"});
  testing::expect_error<ValueError>([] { Discretization({.num_bins = 0}).adapt(Tensor::ones({2})); }, {"num_bins=0"});
}

TEST(Discretization, InModelsPredictFitSaveAndLoad) {
  utils::clear_session();
  auto d = std::make_shared<Discretization>(DiscretizationOptions{.num_bins = 4, .output_mode = "one_hot"});
  d->adapt(Tensor::from_vector<float>({-1.5f, 1.0f, 3.4f, .5f, 0.0f, 3.0f, 1.3f, 0.0f}, {8}));  // 0, 0.5, 1.3
  Sequential model({Input({1}), LayerHandle(d), Dense(1)});
  model.compile("sgd", "mse");
  const Tensor x = Tensor::from_vector<float>({-2, 0.2f, 0.7f, 2}, {4, 1});
  const Tensor y = Tensor::from_vector<float>({0, 1, 2, 3}, {4, 1});
  const double before = model.evaluate(x, y, {.batch_size = 32, .verbose = 0, .callbacks = {}}).at("loss");
  model.fit(x, y, {.batch_size = 4, .epochs = 5, .verbose = 0});
  EXPECT_LT(model.evaluate(x, y, {.batch_size = 32, .verbose = 0, .callbacks = {}}).at("loss"), before);

  // int output in a functional model: int32 out, saved and loaded with the adapted boundaries.
  auto in = Input({3});
  auto ints = std::make_shared<Discretization>(DiscretizationOptions{.num_bins = 4});
  ints->adapt(Tensor::from_vector<float>({-1.5f, 1.0f, 3.4f, .5f, 0.0f, 3.0f, 1.3f, 0.0f}, {8}));
  Model m(in, (*ints)(in));
  const Tensor v = Tensor::from_vector<float>({-1, 0.25f, 5, 0.5f, 1.3f, 1.29f}, {2, 3});
  const Tensor want = Tensor::from_vector<int32_t>({0, 1, 3, 2, 3, 2}, {2, 3});
  const Tensor got = m.predict(v, {.batch_size = 32, .verbose = 0, .callbacks = {}});
  EXPECT_EQ(got.dtype(), DType::int32);
  testing::expect_allclose(got, want, 0, 0, "int buckets");
  for (const std::string ext : {".keras", ".h5"}) {
    const std::string path = testing::temp_dir() + "/discretization" + ext;
    m.save(path);
    testing::expect_allclose(saving::load_model(path)->predict(v, {.batch_size = 32, .verbose = 0, .callbacks = {}}),
                             want, 0, 0, "reloaded " + ext);
  }
}

}  // namespace
}  // namespace keras
