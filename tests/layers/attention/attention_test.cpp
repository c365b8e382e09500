// Attention and AdditiveAttention (keras/src/layers/attention/attention.py,
// additive_attention.py): scores by loops from Keras's formulas, masks, the causal mask,
// scores returned, gradients, configs and errors. Keras's own numbers: the attention_*
// and additive_attention* reference cases.
#include "keras/layers/attention/attention.h"

#include <cmath>
#include <functional>

#include "keras/layers/attention/additive_attention.h"
#include "keras/layers/core/input_layer.h"
#include "keras/layers/layer_config.h"
#include "keras/models/model.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "test_utils.h"

namespace keras::layers {
namespace {

/// softmax_j(score(i, j) - 1e9 where masked) · value, zero rows where the query is masked.
Tensor reference(const Tensor& q, const Tensor& v, const std::function<double(int64_t, int64_t, int64_t)>& score,
                 const std::function<bool(int64_t, int64_t, int64_t)>& keep_key,
                 const std::function<bool(int64_t, int64_t)>& keep_query, Tensor* weights = nullptr) {
  const int64_t b = q.dim(0), tq = q.dim(1), tv = v.dim(1), d = v.dim(2);
  std::vector<float> out(static_cast<size_t>(b * tq * d)), w(static_cast<size_t>(b * tq * tv));
  for (int64_t n = 0; n < b; ++n)
    for (int64_t i = 0; i < tq; ++i) {
      std::vector<double> s;
      double mx = -1e300, z = 0;
      for (int64_t j = 0; j < tv; ++j) {
        s.push_back(score(n, i, j) - (keep_key(n, i, j) ? 0.0 : 1e9));
        mx = std::max(mx, s.back());
      }
      for (double& x : s) z += (x = std::exp(x - mx));
      for (int64_t j = 0; j < tv; ++j)
        w[static_cast<size_t>((n * tq + i) * tv + j)] = static_cast<float>(s[static_cast<size_t>(j)] / z);
      for (int64_t c = 0; c < d; ++c) {
        double o = 0;
        for (int64_t j = 0; j < tv; ++j) o += s[static_cast<size_t>(j)] / z * v.at<float>({n, j, c});
        out[static_cast<size_t>((n * tq + i) * d + c)] = keep_query(n, i) ? static_cast<float>(o) : 0.0f;
      }
    }
  if (weights) *weights = Tensor::from_vector(w, Shape{b, tq, tv});
  return Tensor::from_vector(out, Shape{b, tq, d});
}

const auto all_keys = [](int64_t, int64_t, int64_t) { return true; };
const auto all_queries = [](int64_t, int64_t) { return true; };

TEST(Attention, DotScoresWithScaleAndKey) {
  const Tensor q = testing::random_tensor({2, 3, 4}, 1), v = testing::random_tensor({2, 5, 2}, 2),
               k = testing::random_tensor({2, 5, 4}, 3);
  Attention att({.use_scale = true});
  AttentionResult r = att.attend({q, v, k}, {.return_attention_scores = true});
  ASSERT_EQ(att.get_weights().size(), 1u);
  att.set_weights({Tensor::scalar(0.7)});
  r = att.attend({q, v, k}, {.return_attention_scores = true});
  auto dot = [&](int64_t n, int64_t i, int64_t j) {
    double s = 0;
    for (int64_t c = 0; c < 4; ++c) s += q.at<float>({n, i, c}) * k.at<float>({n, j, c});
    return 0.7 * s;
  };
  Tensor w;
  testing::expect_allclose(r.output, reference(q, v, dot, all_keys, all_queries, &w), 1e-5, 1e-5, "output");
  testing::expect_allclose(r.scores, w, 1e-6, 1e-5, "scores");
}

TEST(Attention, MasksAndCausal) {
  const Tensor q = testing::random_tensor({2, 4, 3}, 4), v = testing::random_tensor({2, 4, 3}, 5);
  const Tensor qm = Tensor::from_vector<int>({1, 1, 0, 1, 1, 1, 1, 0}, Shape{2, 4}).astype(DType::bool_);
  const Tensor vm = Tensor::from_vector<int>({1, 0, 1, 1, 1, 1, 0, 0}, Shape{2, 4}).astype(DType::bool_);
  Attention att;
  const Tensor got = att.attend({q, v}, {.query_mask = qm, .value_mask = vm, .use_causal_mask = true}).output;
  auto dot = [&](int64_t n, int64_t i, int64_t j) {
    double s = 0;
    for (int64_t c = 0; c < 3; ++c) s += q.at<float>({n, i, c}) * v.at<float>({n, j, c});
    return s;
  };
  auto keep_key = [&](int64_t n, int64_t i, int64_t j) { return vm.at<int>({n, j}) != 0 && j <= i; };
  auto keep_query = [&](int64_t n, int64_t i) { return qm.at<int>({n, i}) != 0; };
  testing::expect_allclose(got, reference(q, v, dot, keep_key, keep_query), 1e-5, 1e-5);
  // Masks the inputs carry are used when none are given; the output keeps the query's.
  Tensor qq = ops::reshape(q, q.shape()), vv = ops::reshape(v, v.shape());
  qq.set_keras_mask(qm);
  vv.set_keras_mask(vm);
  const Tensor implicit = att(TensorList{qq, vv}, false)[0];
  testing::expect_allclose(implicit, att.attend({q, v}, {.query_mask = qm, .value_mask = vm}).output, 0, 0);
  ASSERT_TRUE(implicit.keras_mask().defined());
}

TEST(Attention, ConcatAndAdditiveScores) {
  const Tensor q = testing::random_tensor({2, 3, 4}, 6), v = testing::random_tensor({2, 5, 4}, 7);
  Attention concat({.use_scale = true, .score_mode = "concat"});
  (void)concat.attend({q, v});
  concat.set_weights({Tensor::scalar(0.5), Tensor::scalar(1.5)});  // scale, concat_score_weight
  auto concat_score = [&](int64_t n, int64_t i, int64_t j) {
    double s = 0;
    for (int64_t c = 0; c < 4; ++c) s += std::tanh(0.5 * (q.at<float>({n, i, c}) + v.at<float>({n, j, c})));
    return 1.5 * s;
  };
  testing::expect_allclose(concat.attend({q, v}).output, reference(q, v, concat_score, all_keys, all_queries), 1e-5,
                           1e-5, "concat");
  AdditiveAttention add;
  (void)add.attend({q, v});
  const Tensor scale = testing::random_tensor({4}, 8);
  add.set_weights({scale});
  auto additive = [&](int64_t n, int64_t i, int64_t j) {
    double s = 0;
    for (int64_t c = 0; c < 4; ++c)
      s += scale.at<float>({c}) * std::tanh(q.at<float>({n, i, c}) + v.at<float>({n, j, c}));
    return s;
  };
  testing::expect_allclose(add.attend({q, v}).output, reference(q, v, additive, all_keys, all_queries), 1e-5, 1e-5,
                           "additive");
}

TEST(Attention, GradientsAndConfig) {
  for (const char* mode : {"dot", "concat"}) {
    auto q = keras::Input({3, 4});
    auto v = keras::Input({5, 4});
    auto att = std::make_shared<Attention>(AttentionOptions{.use_scale = true, .score_mode = mode});
    auto add = std::make_shared<AdditiveAttention>();
    auto y = att->call_with_args({q, v}, {.use_causal_mask = true});
    auto z = add->call_with_args({q, v}, {});
    models::Model model({q, v}, {y[0], z[0]});
    testing::check_gradients(
        [&](const TensorList& x) {
          const TensorList out = model(x, false);
          return ops::add(ops::sum(out[0]), ops::sum(out[1]));
        },
        {testing::random_tensor({2, 3, 4}, 1).set_requires_grad(true),
         testing::random_tensor({2, 5, 4}, 2).set_requires_grad(true)});
    const Config ac = att->get_config();
    EXPECT_EQ(Attention(ConfigReader(ac).options<AttentionOptions>()).get_config(), ac);
  }
  AdditiveAttention a({.use_scale = false, .dropout = 0.2, .name = "aa"});
  const Config c = a.get_config();
  EXPECT_FALSE(c.contains("score_mode"));
  auto back = ConfigReader(c).options<AdditiveAttentionOptions>();
  EXPECT_EQ(AdditiveAttention(back).get_config(), c);
}

TEST(Attention, Errors) {
  testing::expect_error<ValueError>([] { Attention({.score_mode = "sum"}); }, {"score_mode=sum"});
  const Tensor x = testing::random_tensor({2, 3, 4}, 1);
  Attention att;
  testing::expect_error<ValueError>([&] { att(x); }, {"list of inputs"});
  testing::expect_error<ValueError>([&] { att.attend({x, x, x, x}); }, {"list of inputs"});
  testing::expect_error<ValueError>(
      [&] {
        Attention().attend({x, testing::random_tensor({2, 5, 3}, 2)});
      },
      {"same last dimension"});
}

}  // namespace
}  // namespace keras::layers
