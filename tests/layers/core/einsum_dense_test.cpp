// EinsumDense (keras/src/layers/core/einsum_dense.py): shapes from the equation, values
// against a hand-written contraction, gradients, config round trip, errors. Keras's own
// numbers are checked by the einsum_dense_* reference cases (KerasCaseFiles).
#include "keras/layers/core/einsum_dense.h"

#include "keras/layers/core/reversible_embedding.h"
#include "keras/layers/layer_config.h"
#include "keras/layers/registry.h"
#include "test_utils.h"

namespace keras::layers {
namespace {

TEST(EinsumDense, ShapesFromTheEquation) {
  struct Case {
    const char* eq;
    Shape out;
    std::optional<std::string> bias;
    Shape input, kernel, bias_shape, output;
  };
  const std::vector<Case> cases = {
      {"ab,bc->ac", {4}, "c", {kNone, 5}, {5, 4}, {4}, {kNone, 4}},
      {"abc,cde->abde", {kNone, 2, 3}, "de", {kNone, 4, 5}, {5, 2, 3}, {2, 3}, {kNone, 4, 2, 3}},
      {"...b,bc->...c", {3}, std::nullopt, {kNone, 2, 3, 4}, {4, 3}, {}, {kNone, 2, 3, 3}},
      {"abc,cd->abd", {kNone, 6}, "d", {kNone, 4, 3}, {3, 6}, {6}, {kNone, 4, 6}},
      // bias over an axis before the last: ones after it (Keras's bias_output_spec)
      {"abc,cd->abd", {kNone, 6}, "b", {kNone, 4, 3}, {3, 6}, {4, 1}, {kNone, 4, 6}},
      // "ab...": the elided axes trail, and the bias gets a 1 for each
      {"ab...,bc->ac...", {5}, "c", {kNone, 4, 3}, {4, 5}, {5, 1}, {kNone, 5, 3}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.eq);
    EinsumDense layer(c.eq, c.out, {.bias_axes = c.bias});
    const EinsumDenseShapes s = layer.analyze(c.input);
    EXPECT_EQ(s.kernel, c.kernel);
    EXPECT_EQ(s.bias.has_value(), c.bias.has_value());
    if (s.bias) {
      EXPECT_EQ(*s.bias, c.bias_shape);
    }
    EXPECT_EQ(layer.compute_output_shape(c.input), c.output);
  }
}

TEST(EinsumDense, ValuesAreTheContractionPlusBias) {
  // 'abc,cde->abde' with bias 'de', worked by loops: y[a,b,d,e] = sum_c x[a,b,c] k[c,d,e] + bias[d,e].
  EinsumDense layer("abc,cde->abde", Shape{kNone, 2, 3}, {.activation = "relu", .bias_axes = "de"});
  const Tensor x = testing::random_tensor({2, 4, 5}, 1);
  layer.build_for({x.shape()});
  const Tensor k = testing::random_tensor({5, 2, 3}, 2), b = testing::random_tensor({2, 3}, 3);
  layer.set_weights({k, b});
  const Tensor y = layer(x);
  ASSERT_EQ(y.shape(), (Shape{2, 4, 2, 3}));
  for (int64_t a = 0; a < 2; ++a)
    for (int64_t bb = 0; bb < 4; ++bb)
      for (int64_t d = 0; d < 2; ++d)
        for (int64_t e = 0; e < 3; ++e) {
          double s = b.at<float>({d, e});
          for (int64_t c = 0; c < 5; ++c) s += x.at<float>({a, bb, c}) * k.at<float>({c, d, e});
          EXPECT_NEAR(y.at<float>({a, bb, d, e}), std::max(0.0, s), 1e-5);
        }
}

TEST(EinsumDense, LayerTest) {
  testing::run_layer_test(
      [] {
        return EinsumDense("abc,cde->abde", Shape{kNone, 2, 3}, {.bias_axes = "de"});
      },
      {3, 4, 5}, {3, 4, 2, 3});
  testing::run_layer_test([] { return EinsumDense("...b,bc->...c", 3, {.activation = "tanh"}); }, {2, 2, 3, 4},
                          {2, 2, 3, 3});
}

TEST(EinsumDense, ConfigRoundTrip) {
  EinsumDense layer("abc,cd->abd", Shape{kNone, 6}, {.activation = "relu", .bias_axes = "d", .name = "ed"});
  const Config c = layer.get_config();
  EXPECT_EQ(c["equation"], "abc,cd->abd");
  EXPECT_EQ(c["output_shape"], Config::parse("[null, 6]"));
  EXPECT_EQ(c["bias_axes"], "d");
  const auto back = EinsumDense::from_config(c);
  EXPECT_EQ(back->get_config(), c);
  Config int_shape = c;
  int_shape["output_shape"] = 6;
  int_shape["equation"] = "ab,bc->ac";
  EXPECT_EQ(EinsumDense::from_config(int_shape)->get_config()["output_shape"], Config::parse("[6]"));
}

TEST(EinsumDense, Errors) {
  testing::expect_error<ValueError>([] { EinsumDense("ab,bc", 4); }, {"Invalid einsum equation 'ab,bc'"});
  testing::expect_error<ValueError>(
      [] {
        EinsumDense("ab,bc->ac", 4, {.bias_axes = "z"}).build_for({Shape{kNone, 3}});
      },
      {"Bias dimension 'z'"});
  testing::expect_error<ValueError>(
      [] {
        EinsumDense("abc,cd->abd", Shape{kNone, 6}).build_for({Shape{kNone, 3}});
      },
      {"rank 3", "(None, 3)"});
  testing::expect_error<ValueError>(
      [] {
        EinsumDense("ab,bc->ac", Shape{4, 5}).build_for({Shape{kNone, 3}});
      },
      {"output_shape"});
  testing::expect_error<ValueError>(
      [] {
        EinsumDense("ab,bz->ac", 4).build_for({Shape{kNone, 3}});
      },
      {"Dimension 'c'"});
  Config c = EinsumDense("ab,bc->ac", 4).get_config();
  c["lora_rank"] = 4;
  testing::expect_error<IOError>([&] { EinsumDense::from_config(c); }, {"lora_rank"});
}

TEST(ReversibleEmbedding, ForwardAndTiedReverse) {
  ReversibleEmbedding emb(5, 3, {.mask_zero = true});
  const Tensor ids = Tensor::from_vector<int32_t>({0, 2, 4, 1}, Shape{2, 2});
  const Tensor h = emb(ids);
  ASSERT_EQ(h.shape(), (Shape{2, 2, 3}));
  const Tensor e = emb.embeddings().value();
  EXPECT_EQ(h.at<float>({0, 1, 2}), e.at<float>({2, 2}));
  ASSERT_TRUE(h.keras_mask().defined());
  EXPECT_EQ(h.keras_mask().to_vector<int>(), (std::vector<int>{0, 1, 1, 1}));
  // reverse: logits[i, v] = sum_d h[i, d] * embeddings[v, d]
  const Tensor x = testing::random_tensor({2, 3}, 4);
  const Tensor logits = emb.reverse(x);
  ASSERT_EQ(logits.shape(), (Shape{2, 5}));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t v = 0; v < 5; ++v) {
      double s = 0;
      for (int64_t d = 0; d < 3; ++d) s += x.at<float>({i, d}) * e.at<float>({v, d});
      EXPECT_NEAR(logits.at<float>({i, v}), s, 1e-5);
    }
  ReversibleEmbedding capped(5, 3, {.tie_weights = false, .logit_soft_cap = 0.5});
  (void)capped(ids);
  EXPECT_EQ(capped.weights().size(), 2u);
  const Tensor c = capped.reverse(testing::random_tensor({4, 3}, 5, -10, 10));
  for (float v : c.to_vector<float>()) EXPECT_LE(std::abs(v), 0.5f);
  testing::expect_error<ValueError>([&] { emb.reverse(testing::random_tensor({2, 4}, 6)); }, {"output_dim=3"});
  const auto back = ReversibleEmbedding::from_config(capped.get_config());
  EXPECT_EQ(back->get_config(), capped.get_config());
}

}  // namespace
}  // namespace keras::layers
