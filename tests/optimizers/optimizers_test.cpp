// Each optimizer's update against Keras's formulas, computed here in double precision.
#include "keras/optimizers/optimizer.h"

#include <cmath>

#include "test_utils.h"

namespace keras::optimizers {
namespace {

const std::vector<double> kStart{0.5, -1.0, 2.0};
const std::vector<std::vector<double>> kGrads{{0.1, -0.2, 0.3}, {-0.4, 0.5, 0.05}, {0.2, 0.2, -0.6}};

Variable make_var() {
  return Variable(Tensor::from_vector<float>({0.5f, -1.f, 2.f}), "w");
}

std::vector<double> run(Optimizer& opt) {
  Variable v = make_var();
  for (const auto& g : kGrads) {
    std::vector<float> gf(g.begin(), g.end());
    opt.apply_gradients({Tensor::from_vector(gf)}, {v});
  }
  return v.value().to_vector<double>();
}

void expect_near(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5) << "element " << i;
}

TEST(Optimizers, Defaults) {
  EXPECT_DOUBLE_EQ(SGD().learning_rate(), 0.01);
  EXPECT_DOUBLE_EQ(Adam().learning_rate(), 0.001);
  EXPECT_DOUBLE_EQ(RMSprop().learning_rate(), 0.001);
  EXPECT_EQ(get("Adam")->name(), "adam");
}

TEST(Optimizers, SGDPlainMomentumNesterov) {
  for (double mom : {0.0, 0.9}) {
    for (bool nesterov : {false, true}) {
      SGD opt({.learning_rate = 0.1, .momentum = mom, .nesterov = nesterov});
      std::vector<double> w = kStart, m(3, 0.0);
      for (const auto& g : kGrads)
        for (size_t i = 0; i < 3; ++i) {
          if (mom == 0.0) { w[i] -= 0.1 * g[i]; continue; }
          m[i] = mom * m[i] - 0.1 * g[i];
          w[i] += nesterov ? mom * m[i] - 0.1 * g[i] : m[i];
        }
      expect_near(run(opt), w);
      EXPECT_EQ(opt.iterations(), 3);
    }
  }
}

TEST(Optimizers, Adam) {
  for (bool amsgrad : {false, true}) {
    Adam opt({.learning_rate = 0.01, .amsgrad = amsgrad});
    std::vector<double> w = kStart, m(3, 0), v(3, 0), vh(3, 0);
    int t = 0;
    for (const auto& g : kGrads) {
      ++t;
      const double alpha = 0.01 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
      for (size_t i = 0; i < 3; ++i) {
        m[i] += (g[i] - m[i]) * 0.1;
        v[i] += (g[i] * g[i] - v[i]) * 0.001;
        vh[i] = std::max(vh[i], v[i]);
        w[i] -= alpha * m[i] / (std::sqrt(amsgrad ? vh[i] : v[i]) + 1e-7);
      }
    }
    expect_near(run(opt), w);
  }
}

TEST(Optimizers, RMSprop) {
  for (bool centered : {false, true}) {
    for (double mom : {0.0, 0.5}) {
      RMSprop opt({.learning_rate = 0.01, .momentum = mom, .centered = centered});
      std::vector<double> w = kStart, vel(3, 0), mo(3, 0), ag(3, 0);
      for (const auto& g : kGrads)
        for (size_t i = 0; i < 3; ++i) {
          vel[i] = 0.9 * vel[i] + 0.1 * g[i] * g[i];
          double denom = vel[i];
          if (centered) {
            ag[i] = 0.9 * ag[i] + 0.1 * g[i];
            denom -= ag[i] * ag[i];
          }
          const double inc = 0.01 * g[i] / std::sqrt(denom + 1e-7);
          if (mom > 0) {
            mo[i] = mom * mo[i] + inc;
            w[i] -= mo[i];
          } else {
            w[i] -= inc;
          }
        }
      expect_near(run(opt), w);
    }
  }
}

TEST(Optimizers, ClippingAndWeightDecay) {
  {  // clipvalue
    SGD opt({.learning_rate = 1.0, .clipvalue = 0.15});
    std::vector<double> w = kStart;
    for (const auto& g : kGrads)
      for (size_t i = 0; i < 3; ++i) w[i] -= std::clamp(g[i], -0.15, 0.15);
    expect_near(run(opt), w);
  }
  {  // clipnorm (per gradient)
    SGD opt({.learning_rate = 1.0, .clipnorm = 0.3});
    std::vector<double> w = kStart;
    for (const auto& g : kGrads) {
      const double n = std::sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
      for (size_t i = 0; i < 3; ++i) w[i] -= n > 0.3 ? g[i] * 0.3 / n : g[i];
    }
    expect_near(run(opt), w);
  }
  {  // decoupled weight decay
    SGD opt({.learning_rate = 0.1, .weight_decay = 0.5});
    std::vector<double> w = kStart;
    for (const auto& g : kGrads)
      for (size_t i = 0; i < 3; ++i) w[i] = w[i] * (1 - 0.5 * 0.1) - 0.1 * g[i];
    expect_near(run(opt), w);
  }
  testing::expect_error<ValueError>([] { SGD({.clipnorm = 1.0, .clipvalue = 1.0}); }, {"only one"});
  testing::expect_error<ValueError>([] { get("adagradd"); }, {"adagradd"});
}

TEST(Optimizers, SkipsMissingGradients) {
  SGD opt({.learning_rate = 1.0});
  Variable a = make_var(), b = make_var();
  opt.apply_gradients({Tensor::ones({3}), Tensor()}, {a, b});
  EXPECT_EQ(b.value().to_vector<float>(), (std::vector<float>{0.5f, -1.f, 2.f}));
  EXPECT_EQ(a.value().to_vector<float>(), (std::vector<float>{-0.5f, -2.f, 1.f}));
  testing::expect_error<ValueError>([&] { opt.apply_gradients({Tensor::ones({2})}, {a}); }, {"(2,)", "(3,)"});
}

}  // namespace
}  // namespace keras::optimizers
