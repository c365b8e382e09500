// MultiHeadAttention and GroupedQueryAttention (keras/src/layers/attention/): values
// against loops written from the paper's formula with the layer's own weights, causal
// and propagated masks, gradients, configs, saving models whose calls have keyword
// arguments, and errors. Keras's own numbers: the mha_* / gqa_* reference cases.
#include "keras/layers/attention/multi_head_attention.h"

#include <cmath>

#include "keras/layers/attention/grouped_query_attention.h"
#include "keras/layers/core/dense.h"
#include "keras/layers/core/embedding.h"
#include "keras/layers/core/input_layer.h"
#include "keras/layers/core/reversible_embedding.h"
#include "keras/models/model.h"
#include "keras/ops/core.h"
#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras::layers {
namespace {

/// Self-attention by loops: per head h, q = x Wq[:, h] + bq[h] (same for k, v),
/// p = softmax_j(q_i . k_j / sqrt(dk)) (j <= i when causal), o_i = sum_j p_ij v_j,
/// y = sum_h o[h] Wo[h] + bo (keras/src/layers/attention/multi_head_attention.py).
std::vector<float> reference_mha(const Tensor& x, const std::vector<Tensor>& w, int64_t heads, int64_t dk,
                                 bool causal) {
  const int64_t b = x.dim(0), t = x.dim(1), d = x.dim(2), out_dim = w[7].dim(0);
  std::vector<float> y(static_cast<size_t>(b * t * out_dim));
  auto proj = [&](const Tensor& k, const Tensor& bias, int64_t n, int64_t i, int64_t h, int64_t c) {
    double s = bias.at<float>({h, c});
    for (int64_t e = 0; e < d; ++e) s += x.at<float>({n, i, e}) * k.at<float>({e, h, c});
    return s;
  };
  for (int64_t n = 0; n < b; ++n)
    for (int64_t i = 0; i < t; ++i) {
      std::vector<double> acc(static_cast<size_t>(out_dim));
      for (int64_t o = 0; o < out_dim; ++o) acc[static_cast<size_t>(o)] = w[7].at<float>({o});
      for (int64_t h = 0; h < heads; ++h) {
        std::vector<double> logits;
        for (int64_t j = 0; j < t; ++j) {
          double s = 0;
          for (int64_t c = 0; c < dk; ++c) s += proj(w[0], w[1], n, i, h, c) * proj(w[2], w[3], n, j, h, c);
          logits.push_back(causal && j > i ? -1e30 : s / std::sqrt(static_cast<double>(dk)));
        }
        double mx = -1e300, z = 0;
        for (double l : logits) mx = std::max(mx, l);
        for (double& l : logits) z += (l = std::exp(l - mx));
        for (int64_t c = 0; c < dk; ++c) {
          double o = 0;
          for (int64_t j = 0; j < t; ++j) o += logits[static_cast<size_t>(j)] / z * proj(w[4], w[5], n, j, h, c);
          for (int64_t e = 0; e < out_dim; ++e) acc[static_cast<size_t>(e)] += o * w[6].at<float>({h, c, e});
        }
      }
      for (int64_t e = 0; e < out_dim; ++e)
        y[static_cast<size_t>((n * t + i) * out_dim + e)] = static_cast<float>(acc[static_cast<size_t>(e)]);
    }
  return y;
}

TEST(MultiHeadAttention, MatchesTheFormulaByLoops) {
  for (bool causal : {false, true}) {
    SCOPED_TRACE(causal ? "causal" : "full");
    MultiHeadAttention mha(2, 3);
    const Tensor x = testing::random_tensor({2, 4, 5}, 1);
    const AttentionResult r = mha.attend(x, x, {.return_attention_scores = true, .use_causal_mask = causal});
    ASSERT_EQ(r.output.shape(), (Shape{2, 4, 5}));
    ASSERT_EQ(r.scores.shape(), (Shape{2, 2, 4, 4}));
    const auto w = mha.get_weights();  // query k/b, key k/b, value k/b, attention_output k/b
    ASSERT_EQ(w.size(), 8u);
    EXPECT_EQ(w[0].shape(), (Shape{5, 2, 3}));
    EXPECT_EQ(w[6].shape(), (Shape{2, 3, 5}));
    const auto ref = reference_mha(x, w, 2, 3, causal);
    const auto got = r.output.to_vector<float>();
    for (size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(got[i], ref[i], 1e-5) << i;
    // The scores: rows sum to one; with the causal mask nothing above the diagonal.
    for (int64_t n = 0; n < 2; ++n)
      for (int64_t h = 0; h < 2; ++h)
        for (int64_t i = 0; i < 4; ++i) {
          double s = 0;
          for (int64_t j = 0; j < 4; ++j) {
            s += r.scores.at<float>({n, h, i, j});
            if (causal && j > i) {
              EXPECT_EQ(r.scores.at<float>({n, h, i, j}), 0.0f);
            }
          }
          EXPECT_NEAR(s, 1.0, 1e-6);
        }
  }
}

TEST(MultiHeadAttention, CausalOutputsIgnoreTheFuture) {
  MultiHeadAttention mha(2, 4);
  Tensor x = testing::random_tensor({1, 5, 6}, 2);
  const Tensor a = mha.attend(x, x, {.use_causal_mask = true}).output;
  const Tensor x2 = ops::concatenate({ops::slice(x, {0, 0, 0}, {1, 3, 6}), testing::random_tensor({1, 2, 6}, 3)}, 1);
  const Tensor b = mha.attend(x2, x2, {.use_causal_mask = true}).output;
  testing::expect_allclose(ops::slice(b, {0, 0, 0}, {1, 3, 6}), ops::slice(a, {0, 0, 0}, {1, 3, 6}), 1e-6, 1e-6,
                           "steps 0..2 do not see steps 3..4");
  EXPECT_GT(std::abs(b.at<float>({0, 4, 0}) - a.at<float>({0, 4, 0})), 1e-6);
}

TEST(MultiHeadAttention, EmbeddingMasksAreCombinedAsAnAttentionMask) {
  // Keras: query mask (B, T, 1) & value mask (B, 1, S) from Embedding(mask_zero=True);
  // the output keeps the query's mask.
  auto tokens = keras::Input({4}, {.dtype = DType::int32});
  auto emb = std::make_shared<Embedding>(10, 6, EmbeddingOptions{.mask_zero = true});
  auto mha = std::make_shared<MultiHeadAttention>(2, 3);
  auto h = (*emb)(tokens);
  auto y = (*mha)(h, h);
  models::Model model(tokens, y);
  const Tensor ids = Tensor::from_vector<int32_t>({3, 5, 0, 0, 7, 1, 2, 0}, Shape{2, 4});
  const Tensor got = model(TensorList{ids}, false)[0];
  const Tensor keep = ops::not_equal(ids, Tensor::zeros(Shape{}, DType::int32));
  const Tensor m = ops::cast(ops::multiply(ops::expand_dims(ops::cast(keep, DType::float32), -1),
                                           ops::expand_dims(ops::cast(keep, DType::float32), -2)),
                             DType::bool_);
  Tensor e = (*emb)(ids);
  e.set_keras_mask(Tensor());
  const Tensor want = mha->attend(e, e, {.attention_mask = m}).output;
  testing::expect_allclose(got, want, 1e-6, 1e-6, "implicit masks = explicit attention_mask");
  const Tensor no_mask = mha->attend(e, e).output;
  EXPECT_GT(std::abs(no_mask.at<float>({0, 0, 0}) - got.at<float>({0, 0, 0})), 1e-6);
  const Tensor eager = (*mha)(TensorList{(*emb)(ids), (*emb)(ids)}, false)[0];
  ASSERT_TRUE(eager.keras_mask().defined());
  EXPECT_EQ(eager.keras_mask().to_vector<int>(), (std::vector<int>{1, 1, 0, 0, 1, 1, 1, 0}));
}

TEST(MultiHeadAttention, FusedPathMatchesTheSoftmaxLayerPath) {
  // Without returned scores the layers run the fused ops.dot_product_attention; with them,
  // einsum and the masked softmax. Masks keep each row's diagonal, so no row is fully
  // masked (where the two paths differ as in Keras).
  auto mha = std::make_shared<MultiHeadAttention>(2, 3);
  auto gqa = std::make_shared<GroupedQueryAttention>(3, 4, 2);
  const Tensor x = testing::random_tensor({2, 5, 4}, 70), r = testing::random_tensor({2, 2, 5, 5}, 71, 0, 1);
  std::vector<float> m(static_cast<size_t>(r.size()));
  for (int64_t i = 0; i < r.size(); ++i)
    m[static_cast<size_t>(i)] = (i / 5) % 5 == i % 5 || r.data<float>()[i] > 0.4f ? 1.f : 0.f;
  const Tensor per_head = Tensor::from_vector(m, Shape{2, 2, 5, 5});
  const Tensor per_batch = ops::slice(per_head, {0, 0, 0, 0}, {2, 1, 5, 5});
  for (const Tensor& mask : {Tensor(), ops::reshape(per_batch, {2, 5, 5}), per_head})
    for (bool causal : {false, true}) {
      const std::string what =
          "mask " + (mask.defined() ? mask.shape().to_string() : "none") + (causal ? " causal" : "");
      const Tensor fused = mha->attend(x, x, {.attention_mask = mask, .use_causal_mask = causal}).output;
      const Tensor plain =
          mha->attend(x, x, {.attention_mask = mask, .return_attention_scores = true, .use_causal_mask = causal})
              .output;
      testing::expect_allclose(fused, plain, 1e-5, 1e-5, "MultiHeadAttention " + what);
      if (mask.defined() && mask.rank() == 4) continue;  // GroupedQueryAttention's masks are (B, T, S)
      const Tensor gfused = gqa->attend(x, x, {.attention_mask = mask, .use_causal_mask = causal}).output;
      const Tensor gplain =
          gqa->attend(x, x, {.attention_mask = mask, .return_attention_scores = true, .use_causal_mask = causal})
              .output;
      testing::expect_allclose(gfused, gplain, 1e-5, 1e-5, "GroupedQueryAttention " + what);
    }
}

TEST(MultiHeadAttention, Gradients) {
  auto x = keras::Input({3, 4});
  auto mha =
      std::make_shared<MultiHeadAttention>(2, 2, MultiHeadAttentionOptions{.value_dim = 3, .output_shape = Shape{5}});
  models::Model model(x, (*mha)(x, x, {.use_causal_mask = true}));
  testing::check_layer_gradients(model, testing::random_tensor({2, 3, 4}, 4));
  auto q = keras::Input({3, 4});
  auto gqa = std::make_shared<GroupedQueryAttention>(2, 4, 2, GroupedQueryAttentionOptions{.use_gate = true});
  models::Model gmodel(q, (*gqa)(q, q));
  testing::check_layer_gradients(gmodel, testing::random_tensor({2, 3, 4}, 5));
  auto img = keras::Input({2, 3, 4});  // attention over axes 1 and 2 of a rank-4 input
  auto mha2 = std::make_shared<MultiHeadAttention>(
      2, 2, MultiHeadAttentionOptions{.attention_axes = std::vector<int64_t>{1, 2}});
  models::Model amodel(img, (*mha2)(img, img));
  testing::check_layer_gradients(amodel, testing::random_tensor({2, 2, 3, 4}, 6));
}

TEST(MultiHeadAttention, ConfigRoundTrip) {
  MultiHeadAttention mha(3, 4,
                         {.value_dim = 5,
                          .dropout = 0.1,
                          .output_shape = Shape{7},
                          .sliding_window = 2,
                          .use_gate = true,
                          .seed = 3,
                          .name = "attn"});
  Config c = mha.get_config();
  EXPECT_EQ(c["attention_axes"], nullptr);
  EXPECT_EQ(MultiHeadAttention::from_config(c)->get_config(), c);
  (void)mha.attend(testing::random_tensor({2, 3, 6}, 1), testing::random_tensor({2, 3, 6}, 2));
  c = mha.get_config();
  EXPECT_EQ(c["attention_axes"], Config::parse("[1]"));
  EXPECT_EQ(c["output_shape"], Config::parse("[7]"));
  EXPECT_EQ(MultiHeadAttention::from_config(c)->get_config(), c);
  EXPECT_EQ(mha.weights().size(), 10u);  // query, key, gate, value, attention_output
  GroupedQueryAttention gqa(2, 4, 2, {.sliding_window = 3, .name = "g"});
  EXPECT_EQ(GroupedQueryAttention::from_config(gqa.get_config())->get_config(), gqa.get_config());
  EXPECT_EQ(gqa.class_name(), "GroupQueryAttention");
  EXPECT_EQ(GroupedQueryAttention(2, 2, 1).name().rfind("grouped_query_attention", 0), 0u);
}

TEST(MultiHeadAttention, SavedModelsKeepTheCallArguments) {
  // key, attention_mask, use_causal_mask and return_attention_scores travel in the
  // node's kwargs, as Keras writes them; a ReversibleEmbedding used twice keeps `reverse`.
  auto q = keras::Input({4, 6}, {.name = "q"});
  auto v = keras::Input({5, 6}, {.name = "v"});
  auto k = keras::Input({5, 3}, {.name = "k"});
  auto m = keras::Input({4, 5}, {.dtype = DType::bool_, .name = "m"});
  auto mha = std::make_shared<MultiHeadAttention>(2, 3);
  auto out = (*mha)(q, v, {.key = k, .attention_mask = m, .return_attention_scores = true, .use_causal_mask = true});
  models::Model model({q, v, k, m}, out);
  const TensorList in = {testing::random_tensor({2, 4, 6}, 1), testing::random_tensor({2, 5, 6}, 2),
                         testing::random_tensor({2, 5, 3}, 3),
                         ops::greater(testing::random_tensor({2, 4, 5}, 4), Tensor::scalar(-0.5))};
  const TensorList want = model.predict(in, {.batch_size = 32, .verbose = 0, .callbacks = {}});
  ASSERT_EQ(want.size(), 2u);
  EXPECT_EQ(want[1].shape(), (Shape{2, 2, 4, 5}));
  for (const std::string ext : {".keras", ".h5"}) {
    const std::string path = testing::temp_dir() + "/mha_kwargs" + ext;
    model.save(path);
    auto back = saving::load_model(path);
    const TensorList got = back->predict(in, {.batch_size = 32, .verbose = 0, .callbacks = {}});
    ASSERT_EQ(got.size(), 2u) << ext;
    for (size_t i = 0; i < 2; ++i) testing::expect_allclose(got[i], want[i], 1e-6, 1e-6, ext);
  }
  const Config cfg = model.get_config();
  Config node;
  for (const auto& l : cfg["layers"])
    if (l["class_name"] == "MultiHeadAttention") node = l["inbound_nodes"][0];
  EXPECT_EQ(node["args"].size(), 2u);
  EXPECT_EQ(node["kwargs"]["use_causal_mask"], true);
  EXPECT_EQ(node["kwargs"]["key"]["config"]["keras_history"][0], "k");
  EXPECT_EQ(node["kwargs"]["attention_mask"]["config"]["keras_history"][0], "m");

  auto ids = keras::Input({3}, {.dtype = DType::int32});
  auto emb = std::make_shared<ReversibleEmbedding>(7, 4);
  auto h = (*emb)(ids);
  auto logits = emb->reverse(layers::Dense(4)(h));
  models::Model lm(ids, logits);
  const Tensor tok = Tensor::from_vector<int32_t>({1, 2, 6, 0, 3, 5}, Shape{2, 3});
  const Tensor lw = lm.predict(tok, {.batch_size = 32, .verbose = 0, .callbacks = {}});
  EXPECT_EQ(lw.shape(), (Shape{2, 3, 7}));
  const std::string path = testing::temp_dir() + "/tied.keras";
  lm.save(path);
  testing::expect_allclose(saving::load_model(path)->predict(tok, {.batch_size = 32, .verbose = 0, .callbacks = {}}),
                           lw, 1e-6, 1e-6, "tied logits reloaded");
}

TEST(MultiHeadAttention, Errors) {
  testing::expect_error<ValueError>([] { MultiHeadAttention(0, 4); }, {"num_heads=0"});
  testing::expect_error<ValueError>([] { MultiHeadAttention(2, 4, {.sliding_window = 0}); }, {"sliding_window"});
  MultiHeadAttention mha(2, 4);
  testing::expect_error<ValueError>(
      [&] {
        mha.attend(testing::random_tensor({2, 3, 4}, 1), testing::random_tensor({2, 5, 4}, 2),
                   {.key = testing::random_tensor({2, 6, 4}, 3)});
      },
      {"value", "key", "(2, 5, 4)", "(2, 6, 4)"});
  testing::expect_error<ValueError>(
      [&] {
        MultiHeadAttention(2, 4)(TensorList{testing::random_tensor({2, 3, 4}, 1)}, false);
      },
      {"layer(query, value)"});
  CallKwargs bad{.num_args = 2};
  bad.values["reverse"] = true;
  const Tensor x = testing::random_tensor({2, 3, 4}, 1);
  testing::expect_error<ValueError>([&] { KwargsLayer::call_with(mha, {x, x}, bad, CallContext{}); }, {"`reverse`"});
  GroupedQueryAttention gqa(2, 4, 2);
  testing::expect_error<ValueError>(
      [&] {
        gqa.attend(x, testing::random_tensor({2, 3, 5}, 2));
      },
      {"last dimension of `query_shape` and `value_shape`", "4, 5"});
  testing::expect_error<ValueError>([] { GroupedQueryAttention(2, 3, 2); }, {"divisible"});
}

}  // namespace
}  // namespace keras::layers
