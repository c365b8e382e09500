// The backend registry: the CPU backend is there without anyone registering it, a device
// without a backend is a clear error, and a program can register its own backend in the
// extension slot and put tensors on it.
#include <set>

#include "backend/backend.h"
#include "backend/ref/ref_backend.h"
#include "test_utils.h"

namespace keras::backend {
namespace {

TEST(BackendRegistry, CpuIsRegisteredByTheRegistryItself) {
  EXPECT_TRUE(has_backend(DeviceType::cpu));
  const auto types = registered_device_types();
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.front(), DeviceType::cpu);
  EXPECT_EQ(backend_for(Device::cpu()).device(), Device::cpu());
  EXPECT_EQ(&backend_for(Device::cpu()), &backend_for(Tensor::zeros({2})));
}

TEST(BackendRegistry, CpuAnswersSupportsTruthfully) {
  const Backend& cpu = backend_for(Device::cpu());
  EXPECT_TRUE(cpu.supports(Op::matmul, DType::float32));
  EXPECT_FALSE(cpu.supports(Op::matmul, DType::float64));
  EXPECT_TRUE(cpu.supports(Op::binary, DType::int64));
  EXPECT_FALSE(cpu.supports(Op::binary, DType::float16));
  EXPECT_TRUE(cpu.supports(Op::reduce, DType::int32));
  EXPECT_FALSE(cpu.supports(Op::reduce, DType::uint8));
  EXPECT_TRUE(cpu.supports(Op::copy, DType::bfloat16));
  EXPECT_TRUE(cpu.supports(Op::recurrence_forward, DType::float32));
  EXPECT_TRUE(ops::has_fused_recurrence(Device::cpu()));
}

TEST(BackendRegistry, OpNamesAreDistinct) {
  std::set<std::string> names;
  for (int o = 0; o < kOpCount; ++o) names.insert(std::string(op_name(static_cast<Op>(o))));
  EXPECT_EQ(static_cast<int>(names.size()), kOpCount);
  EXPECT_EQ(op_name(Op::conv_backward_weights), "conv_backward_weights");
}

TEST(BackendRegistry, UnregisteredDeviceNamesTheDevice) {
  // Without CUDA in the build, or with it but no usable GPU here: the message says which.
  if (!has_backend(DeviceType::cuda))
    testing::expect_error<RuntimeError>([] { backend_for(Device::cuda(0)); },
                                        {"No backend for device cuda:0: this build has"});
  if (!has_backend(DeviceType::extension))
    testing::expect_error<RuntimeError>([] { backend_for(Device::extension(3)); },
                                        {"No backend for device extension:3", "register_backend"});
  EXPECT_EQ(Device::extension(2).to_string(), "extension:2");
}

TEST(BackendRegistry, ExtensionSlotTakesAProgramsBackend) {
  if (!has_backend(DeviceType::extension))  // once per process (--gtest_repeat runs this again)
    register_backend(DeviceType::extension,
                     [] { return std::make_unique<ref::RefBackend>(Device::extension(0)); });
  Backend& ext = backend_for(Device::extension(0));
  EXPECT_EQ(ext.device(), Device::extension(0));
  EXPECT_TRUE(ext.supports(Op::conv_forward, DType::float32));
  // Tensors live on it, and move to and from the host through it.
  Tensor t = Tensor::full({2, 3}, 1.5, DType::float32, Device::extension(0));
  EXPECT_EQ(t.device(), Device::extension(0));
  Tensor back = t.to(Device::cpu());
  EXPECT_EQ(back.to_vector<float>(), std::vector<float>(6, 1.5f));
  Tensor there = Tensor::from_vector<float>({1, 2, 3}).to(Device::extension(0));
  EXPECT_EQ(there.to(Device::cpu()).to_vector<float>(), (std::vector<float>{1, 2, 3}));
  // Once made, a backend is not replaced: memory it handed out must go back to it.
  testing::expect_error<RuntimeError>(
      [] { register_backend(DeviceType::extension, [] { return std::make_unique<ref::RefBackend>(); }); },
      {"register_backend", "extension:0", "already in use"});
  testing::expect_error<RuntimeError>([] { register_backend(DeviceType::cpu, [] { return nullptr; }); },
                                      {"already in use"});
}

}  // namespace
}  // namespace keras::backend
