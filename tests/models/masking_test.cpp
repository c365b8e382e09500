// Masks through whole models, as Keras propagates them: from Embedding(mask_zero) and
// Masking through the layers that pass them on, into RNNs, pooling, merging and the
// loss; explicit mask and initial_state arguments in functional graphs, saved and loaded.
#include <cmath>
#include <filesystem>

#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras {
namespace {

using namespace layers;

Tensor ids_with_padding() {
  return Tensor::from_vector<int32_t>({3, 1, 4, 0, 0, 0, 2, 7, 1, 5, 0, 9, 0, 0, 0, 0}, {2, 8});
}

TEST(Masking, LossCountsOnlyValidSteps) {
  utils::clear_session();
  Sequential model({Input({8}, {.dtype = DType::int32}), Embedding(10, 4, {.mask_zero = true}),
                    LSTM(3, {.return_sequences = true}), Dense(1)});
  model.compile("sgd", "mse", {"mae"});
  const Tensor ids = ids_with_padding(), y = testing::random_tensor({2, 8, 1}, 3);
  const Tensor pred = model.predict(ids, {.batch_size = 32, .verbose = 0, .callbacks = {}});
  const auto m = ids.to_vector<int>();
  const auto p = pred.to_vector<double>(), t = y.to_vector<double>();
  double se = 0, ae = 0, n = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i] != 0) {  // Keras 3's MeanMetricWrapper weighs by y_pred's mask too
      ae += std::fabs(p[i] - t[i]);
      se += (p[i] - t[i]) * (p[i] - t[i]);
      n += 1;
    }
  }
  const auto logs = model.evaluate(ids, y, {.batch_size = 32, .verbose = 0, .callbacks = {}});
  EXPECT_NEAR(logs.at("loss"), se / n, 1e-5);
  EXPECT_NEAR(logs.at("mae"), ae / n, 1e-5);
  // Masked targets do not matter at all.
  Tensor y2 = y.clone();
  for (size_t i = 0; i < m.size(); ++i)
    if (m[i] == 0) y2.data<float>()[i] = 1e3f;
  EXPECT_NEAR(model.evaluate(ids, y2, {.batch_size = 32, .verbose = 0, .callbacks = {}}).at("loss"), se / n, 1e-5);
}

TEST(Masking, PoolingAndMergingHonourMasks) {
  const Tensor ids = ids_with_padding();
  Embedding e(10, 3, {.mask_zero = true});
  const Tensor x = e(ids);
  GlobalAveragePooling1D pool;
  const Tensor pooled = pool(x);
  // Row 0 has 5 valid steps (0, 1, 2, 6, 7): the mean of those.
  for (int64_t j = 0; j < 3; ++j) {
    double sum = 0;
    for (int64_t t : {0, 1, 2, 6, 7}) sum += x.at<float>({0, t, j});
    EXPECT_NEAR(pooled.at<float>({0, j}), sum / 5, 1e-6);
  }
  EXPECT_FALSE(pooled.keras_mask().defined());
  // Merging: a step is valid where every input's is; Concatenate on features keeps it too.
  Masking masking(0.0);
  const Tensor other = masking(Tensor::from_vector<float>(std::vector<float>(48, 1.f), {2, 8, 3}) *
                               ops::expand_dims(ops::cast(ops::not_equal(ops::cast(ids, DType::float32),
                                                                         Tensor::scalar(7.0)), DType::float32), -1));
  const Tensor added = Add()({x, other})[0];
  const auto am = added.keras_mask().to_vector<int>(), im = ids.to_vector<int>();
  for (size_t i = 0; i < im.size(); ++i) EXPECT_EQ(am[i], im[i] != 0 && im[i] != 7) << i;
  const Tensor joined = Concatenate()({x, x})[0];
  EXPECT_EQ(joined.keras_mask().to_vector<int>(), x.keras_mask().to_vector<int>());
  // Layers that do not support masking drop it, as Keras does.
  EXPECT_FALSE(Flatten()(x).keras_mask().defined());
}

TEST(Masking, ExplicitMaskAndInitialStateInFunctionalGraphs) {
  utils::clear_session();
  // A mask given as a call argument, as Keras 3 records it.
  auto ids = Input({8}, {.dtype = DType::int32});
  auto emb = Embedding(10, 4)(ids);
  auto mask = NotEqual(0.0)(ids);
  auto h = LSTM(3)(emb, CallArgs{.mask = mask});
  Model explicit_mask(ids, h);
  Sequential implicit({Input({8}, {.dtype = DType::int32}), Embedding(10, 4, {.mask_zero = true}), LSTM(3)});
  implicit.build(Shape{kNone, 8});
  implicit.set_weights(explicit_mask.get_weights());
  const Tensor batch = ids_with_padding();
  testing::expect_allclose(explicit_mask.predict(batch), implicit.predict(batch), 1e-6, 1e-6, "explicit vs implicit");

  // Encoder states start the decoder (the seq2seq pattern).
  auto src = Input({6, 3}), tgt = Input({4, 2});
  auto enc = LSTM(5, {.return_state = true})(src);
  auto dec = LSTM(5, {.return_sequences = true})(tgt, CallArgs{.mask = std::nullopt, .initial_state = {enc[1], enc[2]}});
  auto out = TimeDistributed(Dense(2))(dec);
  Model seq2seq({src, tgt}, out);
  const TensorList in{testing::random_tensor({2, 6, 3}, 1), testing::random_tensor({2, 4, 2}, 2)};
  const Tensor want = seq2seq.predict(in)[0];
  for (const std::string ext : {".keras", ".h5"}) {
    SCOPED_TRACE(ext);
    const std::string a = testing::temp_dir() + "/explicit_mask" + ext, b = testing::temp_dir() + "/seq2seq" + ext;
    explicit_mask.save(a);
    seq2seq.save(b);
    testing::expect_allclose(saving::load_model(a)->predict(batch), explicit_mask.predict(batch), 0, 0, "mask model reloaded");
    testing::expect_allclose(saving::load_model(b)->predict(in)[0], want, 0, 0, "seq2seq reloaded");
  }
}

}  // namespace
}  // namespace keras
