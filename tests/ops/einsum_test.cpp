// keras::ops::einsum against a naive loop over every label assignment (numpy.einsum's
// definition: out[output labels] = sum over the other labels of the operands' product),
// and its gradient against finite differences.
#include "keras/ops/einsum.h"

#include <map>

#include "test_utils.h"

namespace keras {
namespace {

/// numpy.einsum for letter-only equations with "->", by brute force.
Tensor naive_einsum(const std::string& eq, const TensorList& xs) {
  const size_t arrow = eq.find("->");
  std::vector<std::string> terms;
  std::string lhs = eq.substr(0, arrow), out = eq.substr(arrow + 2), cur;
  for (char c : lhs + ",") {
    if (c == ',') {
      terms.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  std::map<char, int64_t> size;
  for (size_t i = 0; i < terms.size(); ++i)
    for (size_t j = 0; j < terms[i].size(); ++j) size[terms[i][j]] = xs[i].dim(static_cast<int64_t>(j));
  std::vector<char> labels;
  for (auto& [c, n] : size) labels.push_back(c);
  Shape out_shape;
  for (char c : out) out_shape.push_back(size[c]);
  std::vector<double> result(static_cast<size_t>(out_shape.num_elements()), 0.0);
  std::vector<std::vector<float>> data;
  for (const auto& x : xs) data.push_back(x.to_vector<float>());
  std::map<char, int64_t> at;
  for (char c : labels) at[c] = 0;
  auto flat = [&](const std::string& term, const Tensor& x) {
    int64_t f = 0;
    for (size_t j = 0; j < term.size(); ++j) f = f * x.dim(static_cast<int64_t>(j)) + at[term[j]];
    return f;
  };
  for (;;) {
    double p = 1.0;
    for (size_t i = 0; i < xs.size(); ++i) p *= data[i][static_cast<size_t>(flat(terms[i], xs[i]))];
    int64_t o = 0;
    for (size_t j = 0; j < out.size(); ++j) o = o * out_shape[j] + at[out[j]];
    result[static_cast<size_t>(o)] += p;
    size_t k = 0;
    for (; k < labels.size(); ++k) {
      if (++at[labels[k]] < size[labels[k]]) break;
      at[labels[k]] = 0;
    }
    if (k == labels.size()) break;
  }
  std::vector<float> r(result.begin(), result.end());
  return Tensor::from_vector(r, out_shape);
}

TEST(Einsum, MatchesNaiveLoops) {
  struct Case {
    const char* eq;
    std::vector<Shape> shapes;
  };
  const std::vector<Case> cases = {
      {"ab,bc->ac", {{3, 4}, {4, 5}}},
      {"abc,cd->abd", {{2, 3, 4}, {4, 5}}},
      {"abc,cde->abde", {{2, 3, 4}, {4, 2, 3}}},          // per-head projection
      {"abcd,cde->abe", {{2, 3, 2, 4}, {2, 4, 5}}},       // heads merged back
      {"aecd,abcd->acbe", {{2, 5, 3, 4}, {2, 6, 3, 4}}},  // attention scores
      {"acbe,aecd->abcd", {{2, 3, 6, 5}, {2, 5, 3, 4}}},  // attention combination
      {"ab,ab->a", {{3, 4}, {3, 4}}},                     // batched dot
      {"ab,cd->abcd", {{2, 3}, {4, 2}}},                  // outer product
      {"abc->cab", {{2, 3, 4}}},                          // transpose
      {"abc->b", {{2, 3, 4}}},                            // sums
      {"ab,bc,cd->ad", {{2, 3}, {3, 4}, {4, 5}}},         // a chain
      {"abc,bd->ad", {{2, 3, 4}, {3, 5}}},                // a label summed in one operand only
  };
  uint64_t seed = 1;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.eq);
    TensorList xs;
    for (const auto& s : c.shapes) xs.push_back(testing::random_tensor(s, seed++));
    testing::expect_allclose(ops::einsum(c.eq, xs), naive_einsum(c.eq, xs), 1e-5, 1e-5, c.eq);
  }
}

TEST(Einsum, EllipsisAndImplicitOutput) {
  const Tensor x = testing::random_tensor({2, 3, 4}, 1), k = testing::random_tensor({4, 5}, 2);
  testing::expect_allclose(ops::einsum("...b,bc->...c", x, k), naive_einsum("xyb,bc->xyc", {x, k}), 1e-5, 1e-5);
  const Tensor r = testing::random_tensor({2, 4, 3}, 3);
  testing::expect_allclose(ops::einsum("ab...,bc->ac...", r, k), naive_einsum("abx,bc->acx", {r, k}), 1e-5, 1e-5);
  // Ellipses of different lengths line up on the right and broadcast.
  const Tensor a = testing::random_tensor({2, 3, 4, 5}, 4), b = testing::random_tensor({3, 5, 6}, 5);
  const Tensor got = ops::einsum("...ij,...jk->...ik", a, b);
  for (int64_t n = 0; n < 2; ++n) {
    const Tensor an = ops::reshape(ops::slice(a, {n, 0, 0, 0}, {1, 3, 4, 5}), Shape{3, 4, 5});
    testing::expect_allclose(ops::reshape(ops::slice(got, {n, 0, 0, 0}, {1, 3, 4, 6}), Shape{3, 4, 6}),
                             naive_einsum("xij,xjk->xik", {an, b}), 1e-5, 1e-5, "broadcast ellipsis");
  }
  // No "->": the labels used once, alphabetically ("ba,cb" gives "ac").
  const Tensor p = testing::random_tensor({3, 2}, 6), q = testing::random_tensor({4, 3}, 7);
  testing::expect_allclose(ops::einsum("ba,cb", p, q), naive_einsum("ba,cb->ac", {p, q}), 1e-5, 1e-5);
}

TEST(Einsum, Gradients) {
  auto leaf = [](const Shape& s, uint64_t seed) {
    Tensor t = testing::random_tensor(s, seed);
    t.set_requires_grad(true);
    return t;
  };
  testing::check_gradients([](const TensorList& x) { return ops::einsum("abc,cde->abde", x[0], x[1]); },
                           {leaf({2, 3, 4}, 1), leaf({4, 2, 3}, 2)});
  testing::check_gradients([](const TensorList& x) { return ops::einsum("aecd,abcd->acbe", x[0], x[1]); },
                           {leaf({2, 3, 2, 2}, 3), leaf({2, 4, 2, 2}, 4)});
  testing::check_gradients([](const TensorList& x) { return ops::einsum("...b,bc->...c", x[0], x[1]); },
                           {leaf({2, 2, 3}, 5), leaf({3, 2}, 6)});
  testing::check_gradients([](const TensorList& x) { return ops::einsum("abc,bd->ad", x[0], x[1]); },
                           {leaf({2, 3, 4}, 7), leaf({3, 2}, 8)});
}

TEST(Einsum, Errors) {
  const Tensor x = testing::random_tensor({2, 3}, 1), y = testing::random_tensor({4, 5}, 2);
  testing::expect_error<ValueError>([&] { ops::einsum("ab,bc->ac", x, y); }, {"einsum", "'b'", "3", "4"});
  testing::expect_error<ValueError>([&] { ops::einsum("abc,bc->ac", x, y); }, {"rank 2"});
  testing::expect_error<ValueError>([&] { ops::einsum("aa->a", testing::random_tensor({2, 2}, 3)); }, {"diagonal"});
  testing::expect_error<ValueError>([&] { ops::einsum("ab->az", x); }, {"output label"});
  testing::expect_error<ValueError>([&] { ops::einsum("ab,bc->ac", x); }, {"2 input terms", "1 operands"});
  testing::expect_error<ValueError>([&] { ops::einsum("a1,bc->ac", x, y); }, {"not a letter"});
}

}  // namespace
}  // namespace keras
