// A Variable's convolution kernel is kept in oneDNN's layout between calls (see
// src/backend/cpu/onednn/conv.cpp). These tests change the kernel in every way a program
// can and check that the next call sees the change: its output equals a convolution with
// a fresh copy of the kernel, whose writes are not tracked and so is never kept.
#include "backend/cpu/onednn/onednn.h"
#include "keras/keras.h"
#include "ops/fused.h"
#include "test_utils.h"

namespace keras {
namespace {

using backend::cpu::onednn::kernel_reorder_count;

// 16 -> 32 channels: oneDNN wants a blocked weights layout for this, so kernels are reordered.
Sequential conv_model() {
  return Sequential({Input({6, 6, 16}), layers::Conv2D(32, 3, {.padding = "same", .use_bias = false})});
}

Variable kernel_of(const Sequential& m) { return m.layers()[0]->weights()[0]; }

/// The convolution with an untracked copy of the kernel (reordered afresh).
Tensor expected(const Tensor& x, const Variable& kernel) {
  return ops::conv(x, kernel.value().detach().clone(), Tensor(), {1, 1}, "same", {1, 1});
}

void expect_same(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.shape(), b.shape());
  const auto av = a.to_vector<float>(), bv = b.to_vector<float>();
  for (size_t i = 0; i < av.size(); ++i) ASSERT_EQ(av[i], bv[i]) << "element " << i;
}

TEST(ConvKernelCache, InferenceReordersOncePerChange) {
  Sequential m = conv_model();
  Tensor x = testing::random_tensor({2, 6, 6, 16}, 1);
  Tensor first = m.predict_on_batch(x);
  const uint64_t before = kernel_reorder_count();
  for (int i = 0; i < 5; ++i) expect_same(m.predict_on_batch(x), first);
  EXPECT_EQ(kernel_reorder_count(), before) << "an unchanged kernel was reordered again";
  expect_same(first, expected(x, kernel_of(m)));
}

TEST(ConvKernelCache, PrepareCreatesThePrimitiveTheCallUses) {
  // What a graph's first call does up front (models/inference_fusion.h): the call then
  // finds its primitive made and creates none.
  using backend::cpu::onednn::conv_forward_primitive_count;
  Sequential m = conv_model();
  const Tensor x = testing::random_tensor({3, 6, 6, 16}, 8);
  auto prepare = [&](const Shape& shape) {
    return ops::detail::prepare_conv_fused(Device::cpu(), shape, DType::float32, kernel_of(m).shape(), false, {1, 1},
                                           "same", {1, 1}, false, false, backend::ConvActivation::none);
  };
  const uint64_t before = conv_forward_primitive_count();
  EXPECT_TRUE(prepare(x.shape()));
  EXPECT_EQ(conv_forward_primitive_count(), before + 1);
  EXPECT_FALSE(prepare(x.shape())) << "created twice";
  const Tensor got = m.predict_on_batch(x);
  EXPECT_EQ(conv_forward_primitive_count(), before + 1) << "the call created its own";
  expect_same(got, expected(x, kernel_of(m)));
  // Shapes the kernel does not fit create nothing (the call reports them).
  EXPECT_FALSE(prepare(Shape{3, 6, 6, 15}));
  EXPECT_FALSE(prepare(Shape{3, 6, 16}));
  EXPECT_EQ(conv_forward_primitive_count(), before + 1);
}

TEST(ConvKernelCache, AssignIsSeen) {
  Sequential m = conv_model();
  Tensor x = testing::random_tensor({2, 6, 6, 16}, 2);
  m.predict_on_batch(x);
  Variable k = kernel_of(m);
  k.assign(k.value().detach() * 2.0);
  expect_same(m.predict_on_batch(x), expected(x, k));
}

TEST(ConvKernelCache, SetWeightsIsSeen) {
  Sequential m = conv_model();
  Tensor x = testing::random_tensor({2, 6, 6, 16}, 3);
  m.predict_on_batch(x);
  m.layers()[0]->set_weights({testing::random_tensor(kernel_of(m).shape(), 4)});
  expect_same(m.predict_on_batch(x), expected(x, kernel_of(m)));
}

TEST(ConvKernelCache, OptimizerStepsAreSeen) {
  for (const char* opt : {"sgd", "adam", "rmsprop"}) {
    Sequential m = conv_model();
    m.compile(optimizers::get(opt), "mse");
    Tensor x = testing::random_tensor({2, 6, 6, 16}, 5);
    Tensor y = testing::random_tensor({2, 6, 6, 32}, 6);
    for (int step = 0; step < 3; ++step) {
      m.train_on_batch(x, y);
      expect_same(m.predict_on_batch(x), expected(x, kernel_of(m)));
    }
  }
}

TEST(ConvKernelCache, RawWriteWithNoteWrittenIsSeen) {
  Sequential m = conv_model();
  Tensor x = testing::random_tensor({2, 6, 6, 16}, 7);
  m.predict_on_batch(x);
  Variable k = kernel_of(m);
  k.value().data<float>()[0] += 1.f;
  k.note_written();
  expect_same(m.predict_on_batch(x), expected(x, k));
}

TEST(ConvKernelCache, LoadedWeightsAreSeen) {
  Sequential a = conv_model(), b = conv_model();
  Tensor x = testing::random_tensor({2, 6, 6, 16}, 8);
  b.predict_on_batch(x);
  const std::string path = testing::temp_dir() + "/conv_cache.weights.h5";
  a.save_weights(path);
  b.load_weights(path);
  expect_same(b.predict_on_batch(x), a.predict_on_batch(x));
}

// Models made and freed in turn: a new kernel may land at a freed kernel's address,
// and must not be taken for it.
TEST(ConvKernelCache, FreedKernelsAreNotMistakenForNewOnes) {
  Tensor x = testing::random_tensor({2, 6, 6, 16}, 9);
  for (int i = 0; i < 20; ++i) {
    Sequential m = conv_model();
    expect_same(m.predict_on_batch(x), expected(x, kernel_of(m)));
  }
}

}  // namespace
}  // namespace keras
