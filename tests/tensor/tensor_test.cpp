#include "keras/tensor/tensor.h"

#include <cmath>

#include "test_utils.h"

namespace keras {
namespace {

TEST(Tensor, CreationAndAccess) {
  Tensor z = Tensor::zeros({2, 3});
  EXPECT_EQ(z.shape(), Shape({2, 3}));
  EXPECT_EQ(z.size(), 6);
  EXPECT_EQ(z.dtype(), DType::float32);
  EXPECT_TRUE(z.device().is_cpu());
  for (float v : z.to_vector<float>()) EXPECT_EQ(v, 0.f);
  Tensor f = Tensor::full({2}, 3.5, DType::float64);
  EXPECT_EQ(f.to_vector<double>(), (std::vector<double>{3.5, 3.5}));
  Tensor v = Tensor::from_vector<int32_t>({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(v.at<int>({1, 2}), 6);
  EXPECT_EQ(v.at<int>({-1, 0}), 4);
  EXPECT_EQ(Tensor::scalar(2.5).item<double>(), 2.5);
  EXPECT_EQ(Shape({kNone, 28, 28, 1}).to_string(), "(None, 28, 28, 1)");
  EXPECT_EQ(Shape({5}).to_string(), "(5,)");
  testing::expect_error<ValueError>([] { Tensor::from_vector<float>({1, 2, 3}, {2, 2}); }, {"3 values", "(2, 2)"});
  testing::expect_error<ValueError>([&] { v.at<int>({2, 0}); }, {"out of range"});
  testing::expect_error<TypeError>([&] { v.data<float>(); }, {"int32", "float32"});
  testing::expect_error<RuntimeError>([] { Tensor().shape(); }, {"undefined"});
}

TEST(Tensor, ViewsShareStorage) {
  Tensor x = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {3, 2});
  Tensor r = x.reshape({2, -1});
  EXPECT_EQ(r.shape(), Shape({2, 3}));
  EXPECT_TRUE(r.shares_storage_with(x));
  Tensor s = x.slice(1, 3);
  EXPECT_EQ(s.shape(), Shape({2, 2}));
  EXPECT_EQ(s.to_vector<float>(), (std::vector<float>{3, 4, 5, 6}));
  s.data<float>()[0] = 30;  // a view writes through
  EXPECT_EQ(x.at<float>({1, 0}), 30.f);
  Tensor c = x.clone();
  c.data<float>()[0] = -1;
  EXPECT_EQ(x.at<float>({0, 0}), 1.f);
  testing::expect_error<ValueError>([&] { x.reshape({4, -1}); }, {"(3, 2)", "(4, -1)"});
  testing::expect_error<ValueError>([&] { x.reshape({-1, -1}); }, {"one dimension"});
  testing::expect_error<ValueError>([&] { x.slice(2, 5); }, {"out of range"});
}

TEST(Tensor, CastAndArithmetic) {
  Tensor u = Tensor::from_vector<uint8_t>({0, 128, 255});
  Tensor f = u.astype(DType::float32) / 255.0;
  EXPECT_NEAR(f.to_vector<float>()[1], 128.0 / 255.0, 1e-7);
  Tensor a = Tensor::from_vector<float>({1, 2, 3}), b = Tensor::from_vector<float>({4, 5, 6});
  EXPECT_EQ((a + b).to_vector<float>(), (std::vector<float>{5, 7, 9}));
  EXPECT_EQ((a * b - 1.0).to_vector<float>(), (std::vector<float>{3, 9, 17}));
  EXPECT_EQ((-a).to_vector<float>(), (std::vector<float>{-1, -2, -3}));
  EXPECT_EQ((2.0 / a).to_vector<float>()[1], 1.f);
  // Broadcasting: (2, 1) with (3,).
  Tensor col = Tensor::from_vector<float>({10, 20}, {2, 1});
  EXPECT_EQ((col + a).to_vector<float>(), (std::vector<float>{11, 12, 13, 21, 22, 23}));
  testing::expect_error<ValueError>([&] { a + Tensor::ones({2}); }, {"(3,)", "(2,)", "broadcast"});
  testing::expect_error<TypeError>([&] { a + Tensor::ones({3}, DType::int32); }, {"float32", "int32"});
  // Integer ops work where they make sense.
  Tensor i = Tensor::from_vector<int64_t>({1, 2, 3});
  EXPECT_EQ((i + i).to_vector<int64_t>(), (std::vector<int64_t>{2, 4, 6}));
  EXPECT_EQ(ops::argmax(Tensor::from_vector<float>({0.1f, 0.7f, 0.2f, 0.9f, 0.05f, 0.05f}, {2, 3})).to_vector<int64_t>(),
            (std::vector<int64_t>{1, 0}));
}

TEST(Tensor, RandomIsSeeded) {
  EXPECT_EQ(random::normal({50}, 0, 1, 3).to_vector<float>(), random::normal({50}, 0, 1, 3).to_vector<float>());
  EXPECT_NE(random::normal({50}, 0, 1, 3).to_vector<float>(), random::normal({50}, 0, 1, 4).to_vector<float>());
  const auto u = random::uniform({10000}, -2, 3, 11).to_vector<float>();
  double mean = 0;
  for (float v : u) {
    EXPECT_GE(v, -2.f);
    EXPECT_LT(v, 3.f);
    mean += v;
  }
  EXPECT_NEAR(mean / 10000, 0.5, 0.06);  // 4 standard deviations
  const auto n = random::normal({20000}, 1, 2, 2).to_vector<float>();
  double m = 0, sq = 0;
  for (float v : n) m += v, sq += v * v;
  m /= 20000;
  EXPECT_NEAR(m, 1.0, 0.05);
  EXPECT_NEAR(sq / 20000 - m * m, 4.0, 0.15);
  for (float v : random::truncated_normal({5000}, 0, 1, 5).to_vector<float>()) EXPECT_LE(std::fabs(v), 2.f);
}

}  // namespace
}  // namespace keras
