// Devices are explicit: factories follow a DeviceScope, ops keep their inputs' device,
// and a whole model (weights, optimizer slots, every temporary of a training step) moves
// to another device with Model::to and gives the same numbers there.
//
// The other device is a fake one registered in the DeviceType::extension slot: its
// memory is separate host memory from its own allocator, and each kernel counts the call,
// checks that its tensors are all on the fake device, and forwards to the CPU backend
// over CPU views of the same bytes. A step that forgets the model's device then shows up
// either as a kernel refusing a CPU tensor or as a CPU allocation the observer sees.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "backend/backend.h"
#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras {
namespace {

using backend::Backend;
using backend::Op;

/// Kernels running on the fake device right now: CPU memory the CPU backend takes for its
/// own scratch while it serves a forwarded kernel is not a stray host allocation.
std::atomic<int> g_inside_fake_kernel{0};

class FakeDeviceBackend final : public Backend {
 public:
  FakeDeviceBackend() : cpu_(backend::backend_for(Device::cpu())) {}

  Device device() const override { return Device::extension(0); }
  bool supports(Op op, DType dtype) const override { return cpu_.supports(op, dtype); }

  int64_t calls(Op op) const { return calls_[static_cast<size_t>(op)].load(); }
  int64_t live_allocations() const { return live_.load(); }

  // ---- memory: its own, not the CPU's caching allocator
  void* allocate(size_t nbytes) override {
    ++live_;
    return std::aligned_alloc(64, (std::max<size_t>(nbytes, 1) + 63) / 64 * 64);
  }
  void deallocate(void* ptr, size_t) override {
    if (!ptr) return;
    --live_;
    std::free(ptr);
  }
  void copy(const Tensor& src, Tensor& dst) override {
    Enter e(this, Op::copy);  // either side may be the host's (Tensor::to)
    Tensor d = view(dst, true);
    cpu_.copy(view(src, true), d);
  }
  void fill(Tensor& dst, double value) override {
    Enter e(this, Op::fill);
    Tensor d = view(dst);
    cpu_.fill(d, value);
  }
  void cast(const Tensor& src, Tensor& dst) override {
    Enter e(this, Op::cast);
    Tensor d = view(dst);
    cpu_.cast(view(src), d);
  }

  // ---- everything else: count, check, forward
  void unary(backend::UnaryOp op, const backend::UnaryParams& p, const Tensor& x, Tensor& y) override {
    Enter e(this, Op::unary);
    Tensor vy = view(y);
    cpu_.unary(op, p, view(x), vy);
  }
  void unary_backward(backend::UnaryOp op, const backend::UnaryParams& p, const Tensor& x, const Tensor& y,
                      const Tensor& dy, Tensor& dx) override {
    Enter e(this, Op::unary_backward);
    Tensor vdx = view(dx);
    cpu_.unary_backward(op, p, view(x), view(y), view(dy), vdx);
  }
  void binary(backend::BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) override {
    Enter e(this, Op::binary);
    Tensor vo = view(out);
    cpu_.binary(op, view(a), view(b), vo);
  }
  void reduce(backend::ReduceOp op, const Tensor& x, int64_t outer, int64_t reduced, int64_t inner,
              Tensor& out) override {
    Enter e(this, Op::reduce);
    Tensor vo = view(out);
    cpu_.reduce(op, view(x), outer, reduced, inner, vo);
  }
  void argmax(const Tensor& x, int64_t outer, int64_t reduced, int64_t inner, Tensor& out) override {
    Enter e(this, Op::argmax);
    Tensor vo = view(out);
    cpu_.argmax(view(x), outer, reduced, inner, vo);
  }
  void transpose(const Tensor& x, const std::vector<int64_t>& perm, Tensor& out) override {
    Enter e(this, Op::transpose);
    Tensor vo = view(out);
    cpu_.transpose(view(x), perm, vo);
  }
  void take_rows(const Tensor& x, const Tensor& index, Tensor& out) override {
    Enter e(this, Op::take_rows);
    Tensor vo = view(out);
    cpu_.take_rows(view(x), view(index), vo);
  }
  void scatter_add_rows(const Tensor& src, const Tensor& index, Tensor& out) override {
    Enter e(this, Op::scatter_add_rows);
    Tensor vo = view(out);
    cpu_.scatter_add_rows(view(src), view(index), vo);
  }
  void copy_slab(const Tensor& x, const std::vector<int64_t>& offsets, bool extract, Tensor& out) override {
    Enter e(this, Op::copy_slab);
    Tensor vo = view(out);
    cpu_.copy_slab(view(x), offsets, extract, vo);
  }
  void one_hot(const Tensor& indices, int64_t depth, Tensor& out) override {
    Enter e(this, Op::one_hot);
    Tensor vo = view(out);
    cpu_.one_hot(view(indices), depth, vo);
  }
  void matmul(const Tensor& a, const Tensor& b, Tensor& out, int64_t batch, int64_t m, int64_t n, int64_t k,
              bool trans_a, bool trans_b, int64_t a_batch_stride, int64_t b_batch_stride, float beta) override {
    Enter e(this, Op::matmul);
    Tensor vo = view(out);
    cpu_.matmul(view(a), view(b), vo, batch, m, n, k, trans_a, trans_b, a_batch_stride, b_batch_stride, beta);
  }
  void conv_forward(const backend::WindowGeometry& g, const Tensor& x, const Tensor& kernel, const Tensor& bias,
                    Tensor& y, const backend::ConvEpilogue& epilogue) override {
    Enter e(this, Op::conv_forward);
    Tensor vy = view(y);
    backend::ConvEpilogue on_host = epilogue;
    on_host.scale = view(epilogue.scale);
    on_host.shift = view(epilogue.shift);
    cpu_.conv_forward(g, view(x), view(kernel), view(bias), vy, on_host);
  }
  void conv_backward_data(const backend::WindowGeometry& g, const Tensor& dy, const Tensor& kernel,
                          Tensor& dx) override {
    Enter e(this, Op::conv_backward_data);
    Tensor vdx = view(dx);
    cpu_.conv_backward_data(g, view(dy), view(kernel), vdx);
  }
  void conv_backward_weights(const backend::WindowGeometry& g, const Tensor& x, const Tensor& dy, Tensor& dkernel,
                             Tensor& dbias) override {
    Enter e(this, Op::conv_backward_weights);
    Tensor vk = view(dkernel), vb = view(dbias);
    cpu_.conv_backward_weights(g, view(x), view(dy), vk, vb);
  }
  std::shared_ptr<backend::Workspace> pool_forward(backend::PoolKind kind, const backend::WindowGeometry& g,
                                                   const Tensor& x, Tensor& y, bool training) override {
    Enter e(this, Op::pool_forward);
    Tensor vy = view(y);
    return cpu_.pool_forward(kind, g, view(x), vy, training);
  }
  void pool_backward(backend::PoolKind kind, const backend::WindowGeometry& g, const Tensor& dy,
                     const backend::Workspace* ws, Tensor& dx) override {
    Enter e(this, Op::pool_backward);
    Tensor vdx = view(dx);
    cpu_.pool_backward(kind, g, view(dy), ws, vdx);
  }
  void softmax(const Tensor& x, int64_t outer, int64_t axis, int64_t inner, bool log, Tensor& y) override {
    Enter e(this, Op::softmax);
    Tensor vy = view(y);
    cpu_.softmax(view(x), outer, axis, inner, log, vy);
  }
  void softmax_backward(const Tensor& y, const Tensor& dy, int64_t outer, int64_t axis, int64_t inner, bool log,
                        Tensor& dx) override {
    Enter e(this, Op::softmax_backward);
    Tensor vdx = view(dx);
    cpu_.softmax_backward(view(y), view(dy), outer, axis, inner, log, vdx);
  }
  std::shared_ptr<backend::Workspace> recurrence_forward(const backend::RecurrenceGeometry& g, const Tensor& x,
                                                         const Tensor& h0, const Tensor& c0, const Tensor& kernel,
                                                         const Tensor& recurrent_kernel, const Tensor& bias,
                                                         Tensor& y, Tensor& h_t, Tensor& c_t,
                                                         bool training) override {
    Enter e(this, Op::recurrence_forward);
    Tensor vy = view(y), vh = view(h_t), vc = view(c_t);
    return cpu_.recurrence_forward(g, view(x), view(h0), view(c0), view(kernel), view(recurrent_kernel), view(bias),
                                   vy, vh, vc, training);
  }
  void recurrence_backward(const backend::RecurrenceGeometry& g, const backend::Workspace& ws, const Tensor& dy,
                           const Tensor& dh_t, const Tensor& dc_t, Tensor& dx, Tensor& dh0, Tensor& dc0,
                           Tensor& dkernel, Tensor& drecurrent_kernel, Tensor& dbias) override {
    Enter e(this, Op::recurrence_backward);
    Tensor vdx = view(dx), vdh0 = view(dh0), vdc0 = view(dc0), vk = view(dkernel), vr = view(drecurrent_kernel),
           vb = view(dbias);
    cpu_.recurrence_backward(g, ws, view(dy), view(dh_t), view(dc_t), vdx, vdh0, vdc0, vk, vr, vb);
  }
  std::shared_ptr<backend::Workspace> attention_forward(const backend::AttentionGeometry& g, const Tensor& query,
                                                        const Tensor& key, const Tensor& value, const Tensor& mask,
                                                        Tensor& out, bool training) override {
    Enter e(this, Op::attention_forward);
    Tensor vo = view(out);
    return cpu_.attention_forward(g, view(query), view(key), view(value), view(mask), vo, training);
  }
  void attention_backward(const backend::AttentionGeometry& g, const backend::Workspace& ws, const Tensor& dout,
                          Tensor& dquery, Tensor& dkey, Tensor& dvalue) override {
    Enter e(this, Op::attention_backward);
    Tensor vq = view(dquery), vk = view(dkey), vv = view(dvalue);
    cpu_.attention_backward(g, ws, view(dout), vq, vk, vv);
  }
  void layer_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, int64_t rows, int64_t cols,
                          float epsilon, Tensor& y, Tensor& mean, Tensor& rstd) override {
    Enter e(this, Op::layer_norm_forward);
    Tensor vy = view(y), vm = view(mean), vr = view(rstd);
    cpu_.layer_norm_forward(view(x), view(gamma), view(beta), rows, cols, epsilon, vy, vm, vr);
  }
  void layer_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean, const Tensor& rstd,
                           const Tensor& dy, int64_t rows, int64_t cols, Tensor& dx, Tensor& dgamma,
                           Tensor& dbeta) override {
    Enter e(this, Op::layer_norm_backward);
    Tensor vdx = view(dx), vdg = view(dgamma), vdb = view(dbeta);
    cpu_.layer_norm_backward(view(x), view(gamma), view(mean), view(rstd), view(dy), rows, cols, vdx, vdg, vdb);
  }
  void batch_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, int64_t rows, int64_t channels,
                          float epsilon, bool training, Tensor& mean, Tensor& variance, Tensor& y) override {
    Enter e(this, Op::batch_norm_forward);
    Tensor vm = view(mean), vv = view(variance), vy = view(y);
    cpu_.batch_norm_forward(view(x), view(gamma), view(beta), rows, channels, epsilon, training, vm, vv, vy);
  }
  void batch_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean, const Tensor& variance,
                           const Tensor& dy, int64_t rows, int64_t channels, float epsilon, bool training, Tensor& dx,
                           Tensor& dgamma, Tensor& dbeta) override {
    Enter e(this, Op::batch_norm_backward);
    Tensor vdx = view(dx), vdg = view(dgamma), vdb = view(dbeta);
    cpu_.batch_norm_backward(view(x), view(gamma), view(mean), view(variance), view(dy), rows, channels, epsilon,
                             training, vdx, vdg, vdb);
  }
  void random_uniform(Tensor& out, double low, double high, uint64_t seed) override {
    Enter e(this, Op::random_uniform);
    Tensor vo = view(out);
    cpu_.random_uniform(vo, low, high, seed);
  }
  void random_normal(Tensor& out, double mean, double stddev, uint64_t seed) override {
    Enter e(this, Op::random_normal);
    Tensor vo = view(out);
    cpu_.random_normal(vo, mean, stddev, seed);
  }
  void random_truncated_normal(Tensor& out, double mean, double stddev, uint64_t seed) override {
    Enter e(this, Op::random_truncated_normal);
    Tensor vo = view(out);
    cpu_.random_truncated_normal(vo, mean, stddev, seed);
  }
  void dropout_mask(Tensor& out, double rate, uint64_t seed) override {
    Enter e(this, Op::dropout_mask);
    Tensor vo = view(out);
    cpu_.dropout_mask(vo, rate, seed);
  }
  void sgd_update(Tensor& var, const Tensor& grad, Tensor& momentum, float lr, float momentum_coef,
                  bool nesterov) override {
    Enter e(this, Op::sgd_update);
    Tensor vv = view(var), vm = view(momentum);
    cpu_.sgd_update(vv, view(grad), vm, lr, momentum_coef, nesterov);
  }
  void adam_update(Tensor& var, const Tensor& grad, Tensor& m, Tensor& v, Tensor& v_hat, float alpha, float beta_1,
                   float beta_2, float epsilon, bool amsgrad) override {
    Enter e(this, Op::adam_update);
    Tensor vvar = view(var), vm = view(m), vv = view(v), vh = view(v_hat);
    cpu_.adam_update(vvar, view(grad), vm, vv, vh, alpha, beta_1, beta_2, epsilon, amsgrad);
  }
  void rmsprop_update(Tensor& var, const Tensor& grad, Tensor& velocity, Tensor& momentum, Tensor& average_grad,
                      float lr, float rho, float momentum_coef, float epsilon, bool centered) override {
    Enter e(this, Op::rmsprop_update);
    Tensor vv = view(var), vel = view(velocity), vm = view(momentum), va = view(average_grad);
    cpu_.rmsprop_update(vv, view(grad), vel, vm, va, lr, rho, momentum_coef, epsilon, centered);
  }

 private:
  /// Counts the call and marks the thread as inside a fake kernel for its duration.
  struct Enter {
    Enter(FakeDeviceBackend* b, Op op) : op_name(backend::op_name(op)) {
      ++b->calls_[static_cast<size_t>(op)];
      ++g_inside_fake_kernel;
    }
    ~Enter() { --g_inside_fake_kernel; }
    std::string_view op_name;
  };

  /// A CPU tensor over the same bytes (fine: the fake device's memory is host memory).
  /// Unless `host_ok` (copy), a tensor that is not on the fake device is a bug in the
  /// caller: some op or layer made it on the wrong device.
  static Tensor view(const Tensor& t, bool host_ok = false) {
    if (!t.defined()) return t;
    if (t.device().is_cpu()) {
      if (!host_ok)
        throw RuntimeError(detail::cat("fake device: a kernel got a CPU tensor of shape ", t.shape().to_string()));
      return t;
    }
    if (t.device() != Device::extension(0))
      throw RuntimeError(detail::cat("fake device: a kernel got a tensor on ", t.device().to_string()));
    const auto& storage = t.impl()->storage;
    auto impl = std::make_shared<keras::detail::TensorImpl>();
    impl->storage = std::make_shared<Storage>(storage->data(), storage->nbytes(), Device::cpu(), storage);
    impl->byte_offset = t.impl()->byte_offset;
    impl->shape = t.shape();
    impl->dtype = t.dtype();
    return Tensor(std::move(impl));
  }

  Backend& cpu_;
  std::array<std::atomic<int64_t>, backend::kOpCount> calls_{};
  std::atomic<int64_t> live_{0};
};

/// Registered before main (and so before any test touches the extension slot: the
/// registry test then finds this backend there and uses it as its program's backend).
FakeDeviceBackend* g_fake = nullptr;
const bool g_registered = [] {
  backend::register_backend(DeviceType::extension, [] {
    auto b = std::make_unique<FakeDeviceBackend>();
    g_fake = b.get();
    return b;
  });
  return true;
}();

const Device kFake = Device::extension(0);

FakeDeviceBackend& fake() {
  (void)backend::backend_for(kFake);  // makes it on first use
  return *g_fake;
}

// ---- host allocations made outside the fake kernels, while recording
std::mutex g_host_mutex;
std::vector<size_t> g_host_allocations;
void record_host_allocation(Device device, size_t nbytes) {
  if (!device.is_cpu() || g_inside_fake_kernel.load() > 0) return;
  std::lock_guard<std::mutex> lock(g_host_mutex);
  g_host_allocations.push_back(nbytes);
}
struct RecordHostAllocations {
  RecordHostAllocations() {
    g_host_allocations.clear();
    backend::set_allocation_observer(&record_host_allocation);
  }
  ~RecordHostAllocations() { backend::set_allocation_observer(nullptr); }
};

TEST(Devices, DefaultDeviceScopeNestsAndIsPerThread) {
  EXPECT_EQ(default_device(), Device::cpu());
  EXPECT_EQ(Tensor::zeros({2}).device(), Device::cpu());
  {
    DeviceScope outer(kFake);
    EXPECT_EQ(default_device(), kFake);
    EXPECT_EQ(Tensor::zeros({2}).device(), kFake);
    EXPECT_EQ(Tensor::scalar(3.0).device(), kFake);
    EXPECT_EQ(Tensor::from_vector<float>({1, 2, 3}).device(), kFake);
    EXPECT_EQ(random::uniform({4}).device(), kFake);
    EXPECT_EQ(Tensor::ones({2}, DType::float32, Device::cpu()).device(), Device::cpu());  // explicit wins
    {
      DeviceScope inner(Device::cpu());
      EXPECT_EQ(Tensor::full({2}, 1.0).device(), Device::cpu());
    }
    EXPECT_EQ(default_device(), kFake);
    Device other_thread = kFake;
    std::thread([&] { other_thread = default_device(); }).join();
    EXPECT_EQ(other_thread, Device::cpu());
  }
  EXPECT_EQ(default_device(), Device::cpu());
}

TEST(Devices, TheProcessDefaultDeviceServesEveryThreadOutsideScopes) {
  config::set_default_device(kFake);
  EXPECT_EQ(config::get_default_device(), kFake);
  EXPECT_EQ(default_device(), kFake);
  EXPECT_EQ(Tensor::zeros({2}).device(), kFake);
  Device other_thread = Device::cpu();
  std::thread([&] { other_thread = default_device(); }).join();
  EXPECT_EQ(other_thread, kFake);
  {
    DeviceScope scope(Device::cpu());  // a scope still wins on its thread
    EXPECT_EQ(Tensor::zeros({2}).device(), Device::cpu());
  }
  config::set_default_device(Device::cpu());
  EXPECT_EQ(default_device(), Device::cpu());
  EXPECT_EQ(Tensor::zeros({2}).device(), Device::cpu());
}

TEST(Devices, FactoriesGiveTheSameNumbersOnEveryDevice) {
  const Tensor on_fake = random::normal({5, 3}, 0.0, 1.0, 42, kFake);
  EXPECT_EQ(on_fake.device(), kFake);
  EXPECT_EQ(on_fake.to(Device::cpu()).to_vector<float>(), random::normal({5, 3}, 0.0, 1.0, 42).to_vector<float>());
  const Tensor v = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2}, kFake);
  EXPECT_EQ(v.device(), kFake);
  EXPECT_EQ(v.to_vector<float>(), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_FLOAT_EQ(Tensor::scalar(2.5, DType::float32, kFake).item<float>(), 2.5f);
  // Raw access stays host-only: the fake device's memory is not the CPU's to read.
  testing::expect_error<RuntimeError>([&] { (void)v.data<float>(); }, {"Tensor::data", "Device::cpu()"});
}

TEST(Devices, OpsKeepTheirInputsDevice) {
  const Tensor x = Tensor::from_vector<float>({1, -2, 3, -4}, {2, 2}, kFake);
  for (const Tensor& y : {x * 2.0, 1.0 - x, ops::mean(x), ops::relu(x), ops::matmul(x, x), ops::any(x, {-1}),
                          ops::softmax(x, -1), ops::concatenate({x, x}, 0), ops::zeros_like(x)})
    EXPECT_EQ(y.device(), kFake);
  EXPECT_EQ((x * 2.0).to_vector<float>(), (std::vector<float>{2, -4, 6, -8}));
  // Layers without weights draw their noise where their input is.
  layers::GaussianNoise noise(0.1);
  layers::GaussianDropout gdrop(0.2);
  layers::Dropout drop(0.5);
  for (layers::Layer* l : std::initializer_list<layers::Layer*>{&noise, &gdrop, &drop})
    EXPECT_EQ((*l)(x, /*training=*/true).device(), kFake) << l->name();
}

TEST(Devices, UpSamplingAndResizeStayOnTheirInputsDevice) {
  // The resize weights are built on the host and sent to the images' device; the fake
  // device's kernels refuse any CPU tensor, so a weight left on the CPU fails here.
  const Tensor cpu = testing::random_tensor({2, 3, 4, 2}, 5);
  Tensor x = cpu.to(kFake);
  x.set_requires_grad(true);
  for (const char* interpolation : {"nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area"}) {
    layers::UpSampling2D up({2, 3}, {.interpolation = interpolation});
    autograd::GradientTape tape;
    const Tensor y = up(x);
    EXPECT_EQ(y.device(), kFake) << interpolation;
    const Tensor g = tape.gradient(ops::sum(y), {x})[0];
    EXPECT_EQ(g.device(), kFake) << interpolation;
    testing::expect_allclose(y.to(Device::cpu()), up(cpu), 0, 0, interpolation);
    EXPECT_EQ(ops::image::resize(x, {2, 7}, interpolation, true).device(), kFake) << interpolation;
  }
  const Tensor x3 = Tensor::ones({1, 2, 2, 2, 1}, DType::float32, kFake);
  EXPECT_EQ(layers::UpSampling3D()(x3).device(), kFake);
  EXPECT_EQ(layers::UpSampling1D(3)(ops::reshape(x3, {1, 8, 1})).device(), kFake);
}

TEST(Devices, AdaptivePoolingDropoutsDotAndImageLayersStayOnTheirInputsDevice) {
  // Index tensors, scalars and random masks these layers make must follow the input.
  const Tensor cpu = testing::random_tensor({2, 5, 6, 3}, 6);
  Tensor x = cpu.to(kFake);
  x.set_requires_grad(true);
  std::vector<std::pair<layers::LayerHandle, bool>> cases{
      {layers::AdaptiveAveragePooling2D({3, 4}), false},
      {layers::AdaptiveMaxPooling2D({2, 5}, {.data_format = "channels_first"}), false},
      {layers::SpatialDropout2D(0.5), true},
      {layers::AlphaDropout(0.3), true},
      {layers::ELU({.alpha = 0.5}), false},
      {layers::Resizing(4, 4, {.crop_to_aspect_ratio = true}), false},
      {layers::Resizing(3, 3, {.pad_to_aspect_ratio = true, .fill_value = 2.0}), false},
      {layers::CenterCrop(3, 3), false},
      {layers::CenterCrop(7, 8), false}};
  for (auto& [layer, training] : cases) {
    autograd::GradientTape tape;
    const Tensor y = layer(x, training);
    EXPECT_EQ(y.device(), kFake) << layer->name();
    EXPECT_EQ(tape.gradient(ops::sum(y), {x})[0].device(), kFake) << layer->name();
    if (!training) testing::expect_allclose(y.to(Device::cpu()), layer(cpu), 0, 0, layer->name());
  }
  layers::Dot dot(-1, {.normalize = true});
  Tensor b = testing::random_tensor({2, 5, 6, 3}, 7).to(kFake);
  autograd::GradientTape tape;
  const Tensor d = dot({x, b})[0];
  EXPECT_EQ(d.device(), kFake);
  EXPECT_EQ(tape.gradient(ops::sum(d), {x})[0].device(), kFake);
}

TEST(Devices, ConvTransposeStaysOnItsInputsDevice) {
  const Tensor x_cpu = testing::random_tensor({2, 3, 4, 2}, 6), k_cpu = testing::random_tensor({3, 3, 4, 2}, 7);
  Tensor x = x_cpu.to(kFake), k = k_cpu.to(kFake);
  x.set_requires_grad(true);
  k.set_requires_grad(true);
  autograd::GradientTape tape;
  const Tensor y = ops::conv_transpose(x, k, {2, 2}, "same", {1, 0}, {1, 1});
  EXPECT_EQ(y.device(), kFake);
  testing::expect_allclose(y.to(Device::cpu()), ops::conv_transpose(x_cpu, k_cpu, {2, 2}, "same", {1, 0}, {1, 1}), 0,
                           0);
  const TensorList g = tape.gradient(ops::sum(y), {x, k});
  EXPECT_EQ(g[0].device(), kFake);
  EXPECT_EQ(g[1].device(), kFake);
}

TEST(Devices, MixedDeviceOpsNameTheOpAndBothDevices) {
  const Tensor a = Tensor::ones({2}), b = Tensor::ones({2}, DType::float32, kFake);
  testing::expect_error<ValueError>([&] { (void)ops::add(a, b); },
                                    {"add: inputs are on cpu and extension:0; move them with .to(device) first"});
  testing::expect_error<ValueError>([&] { (void)(b * a); }, {"multiply: inputs are on extension:0 and cpu"});
  const Tensor m = Tensor::ones({2, 2}), m_fake = Tensor::ones({2, 2}, DType::float32, kFake);
  testing::expect_error<ValueError>([&] { (void)ops::matmul(m, m_fake); }, {"matmul", "cpu", "extension:0"});
  testing::expect_error<ValueError>([&] { (void)ops::concatenate({a, b}, 0); }, {"concatenate", "cpu", "extension:0"});
}

/// Dense + Conv2D + BatchNormalization + Dropout + LSTM, compiled with Adam and accuracy.
std::shared_ptr<models::Sequential> small_model() {
  using namespace layers;
  auto model = std::make_shared<models::Sequential>(std::vector<LayerHandle>{
      Input({6, 6, 1}), Conv2D(4, {3, 3}, {.activation = "relu"}), BatchNormalization(), Reshape({4, 16}),
      LSTM(5), Dropout(0.25), Dense(3, "softmax")});
  model->compile(optimizers::Adam({.learning_rate = 0.01}), "sparse_categorical_crossentropy", {"accuracy"});
  return model;
}

struct Data {
  Tensor x = testing::random_tensor({24, 6, 6, 1}, 5);
  Tensor y = Tensor::from_vector<float>({0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2, 1, 1, 0, 2, 0, 2, 1, 0, 2, 2, 1, 0},
                                        {24}, Device::cpu());
};

std::vector<std::vector<float>> weight_values(const models::Model& m) {
  std::vector<std::vector<float>> out;
  for (const auto& w : m.weights()) out.push_back(w.value().to_vector<float>());
  return out;
}

void expect_same(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].size(), b[i].size());
    for (size_t j = 0; j < a[i].size(); ++j) EXPECT_NEAR(a[i][j], b[i][j], 1e-6) << "weight " << i << "[" << j << "]";
  }
}

void expect_all_on(const models::Model& m, Device d, bool optimizer_built = true) {
  for (const auto& w : m.weights()) EXPECT_EQ(w.value().device(), d) << w.path();
  auto& opt = *m.optimizer();
  const TensorList state = opt.state_values(m.trainable_weights());
  // iteration and learning_rate are host numbers handed out as CPU scalars; the rest are slots.
  if (optimizer_built) {
    ASSERT_GT(state.size(), 2u);
  }
  for (size_t i = 2; i < state.size(); ++i) EXPECT_EQ(state[i].device(), d) << "optimizer slot " << i;
  for (const auto& l : m.layers()) EXPECT_EQ(l->device(), d) << l->name();
}

TEST(Devices, AModelTrainsOnTheFakeDeviceAsOnTheCpu) {
  const Data data;
  const models::FitOptions once{.batch_size = 8, .epochs = 1, .verbose = 0, .shuffle = false};
  const models::EvaluateOptions eval{.batch_size = 8, .verbose = 0};
  const models::PredictOptions pred{.batch_size = 8, .verbose = 0};

  // The reference: all on the CPU. One epoch, then two more.
  utils::set_random_seed(7);
  auto cpu = small_model();
  cpu->fit(data.x, data.y, once);
  cpu->fit(data.x, data.y, {.batch_size = 8, .epochs = 2, .verbose = 0, .shuffle = false});
  const auto cpu_eval = cpu->evaluate(data.x, data.y, eval);
  const Tensor cpu_pred = cpu->predict(data.x, pred);

  // The same from the same seed, moved to the fake device after the first epoch, so that
  // there are optimizer slots to move too.
  utils::set_random_seed(7);
  auto model = small_model();
  model->fit(data.x, data.y, once);
  model->to(kFake);
  expect_all_on(*model, kFake);
  const int64_t conv_calls = fake().calls(Op::conv_forward), lstm_calls = fake().calls(Op::recurrence_forward);
  const int64_t adam_calls = fake().calls(Op::adam_update), dropout_calls = fake().calls(Op::dropout_mask);
  {
    RecordHostAllocations host;
    model->fit(data.x, data.y, {.batch_size = 8, .epochs = 2, .verbose = 0, .shuffle = false});
    // The only host memory a step makes is what is read back on purpose: the loss and the
    // accuracy for the logs (a scalar each) and the batch's labels, which the sparse
    // crossentropy checks against the number of classes (8 int64). Activations, gradients
    // and optimizer temporaries are all bigger than that: one made on the CPU and then
    // moved would show up here, one left on the CPU would fail in a fake kernel.
    EXPECT_FALSE(g_host_allocations.empty());
    for (size_t n : g_host_allocations) EXPECT_LE(n, 8 * sizeof(int64_t)) << "a host allocation of " << n << " bytes";
    EXPECT_LE(g_host_allocations.size(), 6u * 6u) << "host allocations in 6 steps";
  }
  EXPECT_GT(fake().calls(Op::conv_forward), conv_calls);
  EXPECT_GT(fake().calls(Op::conv_backward_weights), 0);
  EXPECT_GT(fake().calls(Op::recurrence_forward), lstm_calls);
  EXPECT_GT(fake().calls(Op::recurrence_backward), 0);
  // 6 steps (2 epochs of 3 batches), one fused update per trainable weight.
  EXPECT_EQ(fake().calls(Op::adam_update) - adam_calls, 6 * static_cast<int64_t>(model->trainable_weights().size()));
  EXPECT_GT(fake().calls(Op::dropout_mask), dropout_calls);
  expect_all_on(*model, kFake);
  expect_same(weight_values(*model), weight_values(*cpu));
  EXPECT_EQ(model->optimizer()->iterations(), cpu->optimizer()->iterations());

  const auto logs = model->evaluate(data.x, data.y, eval);
  EXPECT_NEAR(logs.at("loss"), cpu_eval.at("loss"), 1e-6);
  EXPECT_NEAR(logs.at("accuracy"), cpu_eval.at("accuracy"), 1e-6);
  const Tensor p = model->predict(data.x, pred);
  EXPECT_EQ(p.device(), Device::cpu());  // predict hands back host tensors, as before
  testing::expect_allclose(p, cpu_pred, 1e-6, 0);
  EXPECT_EQ(model->predict_on_batch(data.x.slice(0, 4)).device(), Device::cpu());
  expect_all_on(*model, kFake);

  // Data already on the device is used in place.
  const auto again = model->evaluate(data.x.to(kFake), data.y.to(kFake), eval);
  EXPECT_NEAR(again.at("loss"), logs.at("loss"), 1e-6);

  // And back: the model computes on the CPU again with the same state.
  model->to(Device::cpu());
  expect_all_on(*model, Device::cpu());
  testing::expect_allclose(model->predict(data.x, pred), cpu_pred, 1e-6, 0);
}

TEST(Devices, ModelsOnAnotherDeviceSaveAndLoad) {
  const Data data;
  utils::set_random_seed(3);
  auto model = small_model();
  model->to(kFake);
  model->fit(data.x, data.y, {.batch_size = 8, .epochs = 1, .verbose = 0, .shuffle = false});
  const Tensor expected = model->predict(data.x, {.batch_size = 8, .verbose = 0});
  const auto dir = std::filesystem::temp_directory_path() / ("keras_devices_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "model.keras").string(), weights = (dir / "model.weights.h5").string();
  model->save(path);  // weights go through the host to be written
  model->save_weights(weights);

  std::shared_ptr<models::Model> loaded;
  {
    DeviceScope scope(kFake);  // a model loaded in a scope is built there
    loaded = saving::load_model(path);
  }
  expect_all_on(*loaded, kFake, /*optimizer_built=*/false);
  testing::expect_allclose(loaded->predict(data.x, {.batch_size = 8, .verbose = 0}), expected, 1e-6, 0);

  // Weights loaded into a model on the device land on the device.
  utils::set_random_seed(11);
  auto other = small_model();
  other->to(kFake);
  other->load_weights(weights);
  for (const auto& w : other->weights()) EXPECT_EQ(w.value().device(), kFake) << w.path();
  testing::expect_allclose(other->predict(data.x, {.batch_size = 8, .verbose = 0}), expected, 1e-6, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace keras
