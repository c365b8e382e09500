// AdamW, Adamax, Nadam, Adagrad, Adadelta, Ftrl, Lion, Lamb and Adafactor: three updates
// against each Keras formula, recomputed here in double precision (the formula's Keras
// file is named in each test), and the state each build() creates, in Keras's order.
#include <algorithm>
#include <cmath>

#include "keras/optimizers/adadelta.h"
#include "keras/optimizers/adafactor.h"
#include "keras/optimizers/adagrad.h"
#include "keras/optimizers/adamax.h"
#include "keras/optimizers/adamw.h"
#include "keras/optimizers/ftrl.h"
#include "keras/optimizers/lamb.h"
#include "keras/optimizers/lion.h"
#include "keras/optimizers/muon.h"
#include "keras/optimizers/nadam.h"
#include "keras/optimizers/schedule_free_adamw.h"
#include "test_utils.h"

namespace keras::optimizers {
namespace {

using Vec = std::vector<double>;
const Vec kStart{0.5, -1.0, 2.0};
const std::vector<Vec> kGrads{{0.1, -0.2, 0.3}, {-0.4, 0.5, 0.05}, {0.2, 0.2, -0.6}};

Variable make_var(const Vec& start = kStart, const Shape& shape = {3}) {
  std::vector<float> f(start.begin(), start.end());
  return Variable(Tensor::from_vector(f, shape), "w");
}

Vec run(Optimizer& opt, const Vec& start = kStart, const std::vector<Vec>& grads = kGrads, const Shape& shape = {3}) {
  Variable v = make_var(start, shape);
  for (const auto& g : grads) {
    std::vector<float> gf(g.begin(), g.end());
    opt.apply_gradients({Tensor::from_vector(gf, shape)}, {v});
  }
  return v.value().to_vector<double>();
}

void expect_near(const Vec& got, const Vec& want, double tol = 1e-5) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
}

double norm(const Vec& x) {
  double s = 0;
  for (double e : x) s += e * e;
  return std::sqrt(s);
}

TEST(Keras3Optimizers, AdamWIsAdamWithDecoupledDecay) {
  // keras/src/optimizers/adamw.py (Adam's update, adam.py) and base_optimizer.py's
  // _apply_weight_decay: w -= w * wd * lr before the step.
  AdamW opt({.learning_rate = 0.01, .weight_decay = 0.1});
  EXPECT_EQ(opt.class_name(), "AdamW");
  EXPECT_EQ(opt.name(), "adam_w");
  Vec w = kStart, m(3, 0), v(3, 0);
  int t = 0;
  for (const auto& g : kGrads) {
    ++t;
    const double alpha = 0.01 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
    for (size_t i = 0; i < 3; ++i) {
      w[i] -= w[i] * 0.1 * 0.01;
      m[i] += (g[i] - m[i]) * 0.1;
      v[i] += (g[i] * g[i] - v[i]) * 0.001;
      w[i] -= alpha * m[i] / (std::sqrt(v[i]) + 1e-7);
    }
  }
  expect_near(run(opt), w);
  EXPECT_DOUBLE_EQ(*AdamW().common().weight_decay, 0.004);  // Keras's default
  testing::expect_error<ValueError>([] { AdamW({.weight_decay = std::nullopt}); }, {"AdamW", "weight_decay"});
}

TEST(Keras3Optimizers, Adamax) {
  // keras/src/optimizers/adamax.py
  Adamax opt({.learning_rate = 0.02});
  Vec w = kStart, m(3, 0), u(3, 0);
  int t = 0;
  for (const auto& g : kGrads) {
    ++t;
    for (size_t i = 0; i < 3; ++i) {
      m[i] += (g[i] - m[i]) * (1 - 0.9);
      u[i] = std::max(0.999 * u[i], std::abs(g[i]));
      w[i] -= 0.02 * m[i] / ((1 - std::pow(0.9, t)) * (u[i] + 1e-7));
    }
  }
  expect_near(run(opt), w);
}

TEST(Keras3Optimizers, NadamWithItsUProduct) {
  // keras/src/optimizers/nadam.py: u_product advances once per update, before the steps.
  Nadam opt({.learning_rate = 0.01, .weight_decay = 0.05});
  Vec w = kStart, m(3, 0), v(3, 0);
  double u_product = 1.0;
  int t = 0;
  for (const auto& g : kGrads) {
    ++t;
    u_product *= 0.9 * (1 - 0.5 * std::pow(0.96, t));
    const double u_t = 0.9 * (1 - 0.5 * std::pow(0.96, t)), u_t1 = 0.9 * (1 - 0.5 * std::pow(0.96, t + 1));
    for (size_t i = 0; i < 3; ++i) {
      w[i] -= w[i] * 0.05 * 0.01;
      m[i] += (g[i] - m[i]) * 0.1;
      v[i] += (g[i] * g[i] - v[i]) * 0.001;
      const double m_hat = u_t1 * m[i] / (1 - u_product * u_t1) + (1 - u_t) * g[i] / (1 - u_product);
      const double v_hat = v[i] / (1 - std::pow(0.999, t));
      w[i] -= m_hat * 0.01 / (std::sqrt(v_hat) + 1e-7);
    }
  }
  Variable var = make_var();
  for (const auto& g : kGrads) {
    std::vector<float> gf(g.begin(), g.end());
    opt.apply_gradients({Tensor::from_vector(gf)}, {var});
  }
  expect_near(var.value().to_vector<double>(), w);
  // State: iteration, learning_rate, momentum, velocity, then the scalar u_product.
  const TensorList state = opt.state_values({var});
  ASSERT_EQ(state.size(), 5u);
  EXPECT_EQ(state[4].shape(), Shape{});
  EXPECT_NEAR(state[4].item<float>(), u_product, 1e-6);
  EXPECT_EQ(opt.state_shapes({var}).back(), Shape{});
  EXPECT_EQ(opt.count_params(), 2 + 3 + 3 + 1);
  // Restored into a fresh Nadam, the next update matches.
  Nadam again({.learning_rate = 0.01, .weight_decay = 0.05});
  Variable var2 = make_var(var.value().to_vector<double>());
  ASSERT_TRUE(again.load_state_values({var2}, state));
  opt.apply_gradients({Tensor::from_vector<float>({0.3f, 0.1f, -0.2f})}, {var});
  again.apply_gradients({Tensor::from_vector<float>({0.3f, 0.1f, -0.2f})}, {var2});
  expect_near(var2.value().to_vector<double>(), var.value().to_vector<double>(), 1e-7);
}

TEST(Keras3Optimizers, AdagradStartsFromItsInitialAccumulator) {
  // keras/src/optimizers/adagrad.py
  Adagrad opt({.learning_rate = 0.1, .initial_accumulator_value = 0.2});
  Vec w = kStart, acc(3, 0.2);
  for (const auto& g : kGrads)
    for (size_t i = 0; i < 3; ++i) {
      acc[i] += g[i] * g[i];
      w[i] -= 0.1 * g[i] / std::sqrt(acc[i] + 1e-7);
    }
  expect_near(run(opt), w);
  Adagrad fresh;
  Variable v = make_var();
  fresh.build({v});
  const TensorList s = fresh.state_values({v});
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[2].to_vector<float>(), (std::vector<float>{0.1f, 0.1f, 0.1f}));  // Keras's default 0.1
}

TEST(Keras3Optimizers, Adadelta) {
  // keras/src/optimizers/adadelta.py
  Adadelta opt({.learning_rate = 1.0, .rho = 0.9});
  Vec w = kStart, eg(3, 0), ed(3, 0);
  for (const auto& g : kGrads)
    for (size_t i = 0; i < 3; ++i) {
      eg[i] = 0.9 * eg[i] + 0.1 * g[i] * g[i];
      const double d = -std::sqrt(ed[i] + 1e-7) * g[i] / std::sqrt(eg[i] + 1e-7);
      ed[i] = 0.9 * ed[i] + 0.1 * d * d;
      w[i] += 1.0 * d;
    }
  expect_near(run(opt), w, 1e-6);
}

TEST(Keras3Optimizers, FtrlWithEveryRegularization) {
  // keras/src/optimizers/ftrl.py
  const double lr = 0.1, p = -0.5, l1 = 0.01, l2 = 0.02, shrink = 0.03, beta = 0.1;
  Ftrl opt({.learning_rate = lr,
            .learning_rate_power = p,
            .initial_accumulator_value = 0.1,
            .l1_regularization_strength = l1,
            .l2_regularization_strength = l2,
            .l2_shrinkage_regularization_strength = shrink,
            .beta = beta});
  Vec w = kStart, acc(3, 0.1), lin(3, 0);
  for (const auto& g : kGrads)
    for (size_t i = 0; i < 3; ++i) {
      const double l2r = l2 + beta / (2 * lr);
      const double gu = g[i] + 2 * shrink * w[i];
      const double na = acc[i] + g[i] * g[i];
      lin[i] += gu - (std::pow(na, -p) - std::pow(acc[i], -p)) / lr * w[i];
      const double quad = std::pow(na, -p) / lr + 2 * l2r;
      w[i] = (std::clamp(lin[i], -l1, l1) - lin[i]) / quad;
      acc[i] = na;
    }
  expect_near(run(opt), w);
  testing::expect_error<ValueError>([] { Ftrl({.learning_rate_power = 0.5}); }, {"Ftrl", "learning_rate_power"});
  testing::expect_error<ValueError>([] { Ftrl({.initial_accumulator_value = -1}); }, {"initial_accumulator_value"});
  testing::expect_error<ValueError>([] { Ftrl({.l1_regularization_strength = -1}); }, {"l1_regularization_strength"});
}

TEST(Keras3Optimizers, LionIncludingZeroGradients) {
  // keras/src/optimizers/lion.py: the sign of 0 is 0, so a zero gradient on a zero
  // momentum leaves the weight alone.
  Lion opt({.learning_rate = 0.1});
  std::vector<Vec> grads = kGrads;
  grads[0][1] = 0.0;
  Vec w = kStart, m(3, 0);
  for (const auto& g : grads)
    for (size_t i = 0; i < 3; ++i) {
      const double c = 0.9 * m[i] + 0.1 * g[i];
      w[i] -= 0.1 * ((c > 0) - (c < 0));
      m[i] = 0.99 * m[i] + 0.01 * g[i];
    }
  expect_near(run(opt, kStart, grads), w);
  testing::expect_error<ValueError>([] { Lion({.beta_1 = 0.0}); }, {"Lion", "beta_1"});
}

TEST(Keras3Optimizers, LambTrustRatio) {
  // keras/src/optimizers/lamb.py: a 2x3 variable, whose norms set the ratio; a zero
  // variable takes ratio 1.
  const Vec start{0.5, -1.0, 2.0, 0.25, 0.0, -0.75};
  const std::vector<Vec> grads{
      {0.1, -0.2, 0.3, 0.0, 0.4, -0.1}, {-0.4, 0.5, 0.05, 0.2, -0.3, 0.1}, {0.2, 0.2, -0.6, 0.1, 0.1, 0.3}};
  for (const Vec& s0 : {start, Vec(6, 0.0)}) {
    Lamb opt({.learning_rate = 0.01});
    Vec w = s0, m(6, 0), v(6, 0);
    int t = 0;
    for (const auto& g : grads) {
      ++t;
      Vec upd(6);
      for (size_t i = 0; i < 6; ++i) {
        m[i] += (g[i] - m[i]) * 0.1;
        v[i] += (g[i] * g[i] - v[i]) * 0.001;
        upd[i] = (m[i] / (1 - std::pow(0.9, t))) / (std::sqrt(v[i] / (1 - std::pow(0.999, t))) + 1e-7);
      }
      const double wn = norm(w), gn = norm(upd);
      const double ratio = wn > 0 && gn > 0 ? wn / gn : 1.0;
      for (size_t i = 0; i < 6; ++i) w[i] -= ratio * 0.01 * upd[i];
    }
    expect_near(run(opt, s0, grads, {2, 3}), w);
  }
}

TEST(Keras3Optimizers, AdafactorFactoredAndUnfactored) {
  // keras/src/optimizers/adafactor.py, for a 2x3 matrix (r over rows, c over columns)
  // and a vector (a plain second moment).
  const double lr = 0.5, eps1 = 1e-30, eps2 = 1e-3, decay = -0.8;
  const Vec start{0.5, -1.0, 2.0, 0.25, 0.0, -0.75};
  const std::vector<Vec> grads{
      {0.1, -0.2, 0.3, 0.0, 0.4, -0.1}, {-0.4, 0.5, 0.05, 0.2, -0.3, 0.1}, {0.2, 0.2, -0.6, 0.1, 0.1, 0.3}};
  const auto rms = [](const Vec& x) {
    double s = 0;
    for (double e : x) s += e * e;
    return std::sqrt(s / static_cast<double>(x.size()));
  };
  {  // matrix
    Adafactor opt({.learning_rate = lr, .clip_threshold = 1.0});
    Vec w = start, r(2, 0), c(3, 0), v(6, 0);
    int t = 0;
    for (const auto& g : grads) {
      ++t;
      const double rho = std::min(std::min(lr, 1 / std::sqrt(t)), 1 / std::sqrt(t));
      const double alpha = std::max(eps2, rms(w)) * rho;
      const double b = 1 - std::pow(t, decay);
      Vec sq(6);
      for (size_t i = 0; i < 6; ++i) sq[i] = g[i] * g[i] + eps1;
      for (int i = 0; i < 2; ++i) r[i] = b * r[i] + (1 - b) * (sq[i * 3] + sq[i * 3 + 1] + sq[i * 3 + 2]) / 3;
      for (int j = 0; j < 3; ++j) c[j] = b * c[j] + (1 - b) * (sq[j] + sq[3 + j]) / 2;
      const double r_mean = (r[0] + r[1]) / 2;
      Vec u(6);
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j) {
          v[i * 3 + j] = r[i] / r_mean * c[j];
          u[i * 3 + j] = g[i * 3 + j] / std::sqrt(v[i * 3 + j]);
        }
      const double scale = std::max(1.0, rms(u) / 1.0);
      for (size_t i = 0; i < 6; ++i) w[i] -= alpha * u[i] / scale;
    }
    Variable var = make_var(start, {2, 3});
    for (const auto& g : grads) {
      std::vector<float> gf(g.begin(), g.end());
      opt.apply_gradients({Tensor::from_vector(gf, {2, 3})}, {var});
    }
    expect_near(var.value().to_vector<double>(), w, 2e-5);
    // Keras's build: r (rows), c (columns), velocity, for each variable in turn.
    const TensorList s = opt.state_values({var});
    ASSERT_EQ(s.size(), 5u);
    EXPECT_EQ(s[2].shape(), Shape{2});
    EXPECT_EQ(s[3].shape(), Shape{3});
    EXPECT_EQ(s[4].shape(), (Shape{2, 3}));
    expect_near(s[2].to_vector<double>(), r, 1e-6);
    expect_near(s[3].to_vector<double>(), c, 1e-6);
  }
  {  // vector, and a clip threshold that bites
    Adafactor opt({.learning_rate = lr, .clip_threshold = 0.5});
    Vec w = kStart, v(3, 0);
    int t = 0;
    for (const auto& g : kGrads) {
      ++t;
      const double rho = std::min(lr, 1 / std::sqrt(t));
      const double alpha = std::max(eps2, rms(w)) * rho;
      const double b = 1 - std::pow(t, decay);
      Vec u(3);
      for (size_t i = 0; i < 3; ++i) {
        v[i] = b * v[i] + (1 - b) * (g[i] * g[i] + eps1);
        u[i] = g[i] / std::sqrt(v[i]);
      }
      const double scale = std::max(1.0, rms(u) / 0.5);
      for (size_t i = 0; i < 3; ++i) w[i] -= alpha * u[i] / scale;
    }
    Variable var = make_var();
    for (const auto& g : kGrads) {
      std::vector<float> gf(g.begin(), g.end());
      opt.apply_gradients({Tensor::from_vector(gf)}, {var});
    }
    expect_near(var.value().to_vector<double>(), w, 2e-5);
    const TensorList s = opt.state_values({var});
    ASSERT_EQ(s.size(), 5u);  // r and c are Keras's unused integer scalars here
    EXPECT_EQ(s[2].shape(), Shape{});
    EXPECT_EQ(s[2].dtype(), DType::int32);
    EXPECT_EQ(s[3].shape(), Shape{});
    EXPECT_EQ(s[4].shape(), Shape{3});
  }
}

TEST(Keras3Optimizers, ScheduleFreeAdamWWithWarmup) {
  // keras/src/optimizers/schedule_free_adamw.py: z (the "momentum" slot) starts as the
  // weights; y is the variable; x is recovered from y and the previous z.
  ScheduleFreeAdamW opt({.learning_rate = 0.05, .warmup_steps = 2});
  Vec y = kStart, z = kStart, v(3, 0);
  int t = 0;
  for (const auto& g : kGrads) {
    ++t;
    const double lr = 0.05 * std::min(t / 2.0, 1.0);
    const double weight = 1.0 / t;
    for (size_t i = 0; i < 3; ++i) {
      const double z_old = z[i];
      v[i] += (g[i] * g[i] - v[i]) * (1 - 0.999);
      z[i] -= lr * g[i] / (std::sqrt(v[i] / (1 - std::pow(0.999, t))) + 1e-8);
      const double x_old = (y[i] - (1 - 0.9) * z_old) / 0.9;
      const double x_new = (1 - weight) * x_old + weight * z[i];
      y[i] = (1 - 0.9) * z[i] + 0.9 * x_new;
    }
  }
  Variable var = make_var();
  for (const auto& g : kGrads) {
    std::vector<float> gf(g.begin(), g.end());
    opt.apply_gradients({Tensor::from_vector(gf)}, {var});
  }
  expect_near(var.value().to_vector<double>(), y);
  const TensorList s = opt.state_values({var});
  ASSERT_EQ(s.size(), 4u);
  expect_near(s[2].to_vector<double>(), z);
}

using Mat = std::vector<Vec>;
Mat matmul(const Mat& a, const Mat& b) {
  Mat out(a.size(), Vec(b[0].size(), 0.0));
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t k = 0; k < b.size(); ++k)
      for (size_t j = 0; j < b[0].size(); ++j) out[i][j] += a[i][k] * b[k][j];
  return out;
}
Mat transpose(const Mat& a) {
  Mat out(a[0].size(), Vec(a.size()));
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < a[0].size(); ++j) out[j][i] = a[i][j];
  return out;
}

TEST(Keras3Optimizers, MuonOrthogonalizesMatricesAndUsesAdamWElsewhere) {
  // keras/src/optimizers/muon.py: a 3x2 kernel (tall: transposed for Newton-Schulz) with
  // weight_decay, and a bias updated by AdamW with adam_weight_decay.
  const double lr = 0.02, mu = 0.95, a = 3.4445, b = -4.775, c = 2.0315;
  Muon opt({.learning_rate = lr, .adam_weight_decay = 0.1, .weight_decay = 0.2});
  Variable kernel(Tensor::from_vector<float>({0.5f, -1.f, 2.f, 0.25f, 0.f, -0.75f}, {3, 2}), "kernel");
  Variable bias = make_var();
  EXPECT_FALSE(opt.should_use_adamw(kernel));
  EXPECT_TRUE(opt.should_use_adamw(bias));
  Mat w{{0.5, -1.0}, {2.0, 0.25}, {0.0, -0.75}}, m(3, Vec(2, 0.0));
  Vec bw = kStart, bm(3, 0), bv(3, 0);
  const std::vector<Mat> kgrads{{{0.1, -0.2}, {0.3, 0.0}, {0.4, -0.1}}, {{-0.4, 0.5}, {0.05, 0.2}, {-0.3, 0.1}}};
  for (size_t step = 0; step < 2; ++step) {
    const Mat& g = kgrads[step];
    for (auto& row : w)
      for (double& e : row) e -= e * 0.2 * lr;
    Mat look(3, Vec(2));
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 2; ++j) {
        m[i][j] = mu * m[i][j] + g[i][j];
        look[i][j] = g[i][j] + mu * m[i][j];
      }
    Mat x = transpose(look);  // 2x3
    double n = 0;
    for (auto& row : x)
      for (double e : row) n += e * e;
    for (auto& row : x)
      for (double& e : row) e /= std::sqrt(n) + 1e-7;
    for (int it = 0; it < 5; ++it) {
      const Mat A = matmul(x, transpose(x));
      const Mat AA = matmul(A, A);
      Mat B = A;
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) B[i][j] = b * A[i][j] + c * AA[i][j];
      const Mat Bx = matmul(B, x);
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j) x[i][j] = a * x[i][j] + Bx[i][j];
    }
    const Mat upd = transpose(x);
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 2; ++j) w[i][j] -= lr * upd[i][j] * std::sqrt(3.0) * 0.2;
    const double t = static_cast<double>(step + 1);
    const double alpha = lr * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
    for (size_t i = 0; i < 3; ++i) {
      bw[i] -= bw[i] * 0.1 * lr;
      bm[i] += (kGrads[step][i] - bm[i]) * 0.1;
      bv[i] += (kGrads[step][i] * kGrads[step][i] - bv[i]) * 0.001;
      bw[i] -= alpha * bm[i] / (std::sqrt(bv[i]) + 1e-7);
    }
    std::vector<float> kg, bg(kGrads[step].begin(), kGrads[step].end());
    for (const auto& row : g) kg.insert(kg.end(), row.begin(), row.end());
    opt.apply_gradients({Tensor::from_vector(kg, {3, 2}), Tensor::from_vector(bg)}, {kernel, bias});
  }
  Vec flat;
  for (const auto& row : w) flat.insert(flat.end(), row.begin(), row.end());
  expect_near(kernel.value().to_vector<double>(), flat, 2e-5);
  expect_near(bias.value().to_vector<double>(), bw);
  // Keras's build: momentum for each variable, a velocity only for AdamW's.
  EXPECT_EQ(opt.state_shapes({kernel, bias}), (std::vector<Shape>{Shape{}, Shape{}, Shape{3, 2}, Shape{3}, Shape{3}}));
  // Embeddings go to AdamW unless exclude_embeddings is off.
  Variable emb(Tensor::ones({4, 2}), "embeddings");
  emb.set_path("token_embedding/embeddings");
  EXPECT_TRUE(opt.should_use_adamw(emb));
  EXPECT_FALSE(Muon({.exclude_embeddings = false}).should_use_adamw(emb));
  EXPECT_TRUE(Muon({.exclude_layers = {"^token_"}, .exclude_embeddings = false}).should_use_adamw(emb));
}

TEST(Keras3Optimizers, StateLayoutsFollowKerasBuild) {
  // Two variables: each build() pass over them, in the order Keras creates the slots.
  Variable a = make_var(), b(Tensor::ones({2, 2}), "b");
  const auto shapes = [&](Optimizer& o) { return o.state_shapes({a, b}); };
  const Shape s3{3}, s22{2, 2}, sc{};
  AdamW adamw;
  EXPECT_EQ(shapes(adamw), (std::vector<Shape>{sc, sc, s3, s3, s22, s22}));
  AdamW amsgrad({.amsgrad = true});
  EXPECT_EQ(shapes(amsgrad), (std::vector<Shape>{sc, sc, s3, s3, s22, s22, s3, s22}));
  Nadam nadam;
  EXPECT_EQ(shapes(nadam), (std::vector<Shape>{sc, sc, s3, s3, s22, s22, sc}));
  Ftrl ftrl;
  EXPECT_EQ(shapes(ftrl), (std::vector<Shape>{sc, sc, s3, s3, s22, s22}));
  Lion lion;
  EXPECT_EQ(shapes(lion), (std::vector<Shape>{sc, sc, s3, s22}));
  Adafactor adafactor;
  EXPECT_EQ(shapes(adafactor), (std::vector<Shape>{sc, sc, sc, sc, s3, Shape{2}, Shape{2}, s22}));
}

}  // namespace
}  // namespace keras::optimizers
