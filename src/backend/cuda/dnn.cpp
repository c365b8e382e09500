// Convolutions on cuDNN (its convolution API: forward, backward data, backward filter),
// channels-last. plan_conv says how a Keras geometry becomes cuDNN descriptors; the Keras
// kernel (*kernel, in/groups, out) is transposed to cuDNN's KRSC for each call and the
// filter gradient back. float32 runs with CUDNN_FMA_MATH: no TF32, the float32 numbers
// Keras's CPU path gives (PyTorch lets cuDNN use TF32 for convolutions by default; we
// do not, yet: a config switch for it is future work).
//
// The bias, a folded BatchNormalization, the residual and the activation (ConvEpilogue)
// run as one elementwise pass after cuDNN (kernels::conv_epilogue), not inside it.
#include <map>
#include <mutex>
#include <tuple>

#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/kernels.h"
#include "backend/cuda/libraries.h"
#include "backend/cuda/plan/plans.h"
#include "backend/cuda/tensor_checks.h"
#include "keras/errors.h"

namespace keras::backend::cuda {

namespace {

/// The descriptors of one planned convolution, made per call (a few microseconds).
struct ConvDescriptors {
  cudnnTensorDescriptor_t x = nullptr, y = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;

  explicit ConvDescriptors(const ConvPlan& p) {
    check(cudnn_api().cudnnCreateTensorDescriptor(&x), "cudnnCreateTensorDescriptor");
    check(cudnn_api().cudnnCreateTensorDescriptor(&y), "cudnnCreateTensorDescriptor");
    check(cudnn_api().cudnnCreateFilterDescriptor(&w), "cudnnCreateFilterDescriptor");
    check(cudnn_api().cudnnCreateConvolutionDescriptor(&conv), "cudnnCreateConvolutionDescriptor");
    check(cudnn_api().cudnnSetTensorNdDescriptor(x, CUDNN_DATA_FLOAT, p.dims, p.x_dims.data(), p.x_strides.data()),
          "cudnnSetTensorNdDescriptor (input)");
    check(cudnn_api().cudnnSetTensorNdDescriptor(y, CUDNN_DATA_FLOAT, p.dims, p.y_dims.data(), p.y_strides.data()),
          "cudnnSetTensorNdDescriptor (output)");
    check(cudnn_api().cudnnSetFilterNdDescriptor(w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NHWC, p.dims, p.filter_dims.data()),
          "cudnnSetFilterNdDescriptor");
    check(cudnn_api().cudnnSetConvolutionNdDescriptor(conv, p.dims - 2, p.pad.data(), p.stride.data(),
                                                      p.dilation.data(), CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
          "cudnnSetConvolutionNdDescriptor");
    check(cudnn_api().cudnnSetConvolutionGroupCount(conv, p.groups), "cudnnSetConvolutionGroupCount");
    check(cudnn_api().cudnnSetConvolutionMathType(conv, CUDNN_FMA_MATH), "cudnnSetConvolutionMathType");
  }
  ~ConvDescriptors() {
    cudnn_api().cudnnDestroyConvolutionDescriptor(conv);
    cudnn_api().cudnnDestroyFilterDescriptor(w);
    cudnn_api().cudnnDestroyTensorDescriptor(y);
    cudnn_api().cudnnDestroyTensorDescriptor(x);
  }
  ConvDescriptors(const ConvDescriptors&) = delete;
  ConvDescriptors& operator=(const ConvDescriptors&) = delete;
};

/// The geometry as a key for the chosen algorithms.
using GeometryKey = std::tuple<int, int64_t, int64_t, int64_t, int64_t, std::array<int64_t, 3>, std::array<int64_t, 3>,
                               std::array<int64_t, 3>, std::array<int64_t, 3>, std::array<int64_t, 3>,
                               std::array<int64_t, 3>, std::array<int64_t, 3>>;
GeometryKey key_of(const WindowGeometry& g) {
  return {g.spatial, g.batch,  g.in_channels, g.out_channels, g.groups,     g.in,
          g.out,     g.kernel, g.stride,      g.dilation,     g.pad_before, g.pad_after};
}

/// The first algorithm cuDNN's heuristics rank that runs, per (direction, geometry),
/// chosen once. Heuristics, not cudnnFind (which times every algorithm on the device: seconds per shape).
template <class Algo, class Perf, class Query>
Algo choose(std::map<GeometryKey, Algo>& cache, std::mutex& mutex, const WindowGeometry& g, Query query) {
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = cache.find(key_of(g)); it != cache.end()) return it->second;
  Perf perf[16];
  int returned = 0;
  query(perf, 16, &returned);
  for (int i = 0; i < returned; ++i)
    if (perf[i].status == CUDNN_STATUS_SUCCESS) return cache[key_of(g)] = perf[i].algo;
  throw RuntimeError("cuDNN: no convolution algorithm for this geometry");
}

std::mutex g_algo_mutex;
std::map<GeometryKey, cudnnConvolutionFwdAlgo_t> g_forward_algos;
std::map<GeometryKey, cudnnConvolutionBwdDataAlgo_t> g_backward_data_algos;
std::map<GeometryKey, cudnnConvolutionBwdFilterAlgo_t> g_backward_filter_algos;

Shape padded_shape(const WindowGeometry& g, const ConvPlan& p) {
  std::vector<int64_t> dims{g.batch};
  for (int i = 0; i < g.spatial; ++i) dims.push_back(p.padded_in[i]);
  dims.push_back(g.in_channels);
  return Shape(dims);
}

std::vector<int64_t> pad_offsets(const WindowGeometry& g, const ConvPlan& p) {
  std::vector<int64_t> offsets{0};
  for (int i = 0; i < g.spatial; ++i) offsets.push_back(p.pad_before[i]);
  offsets.push_back(0);
  return offsets;
}

void require_float32(const char* kernel, std::initializer_list<const Tensor*> tensors) {
  for (const Tensor* t : tensors) {
    if (!t->defined()) continue;
    require_on_device(*t, kernel, "an operand");
    require_dtype(*t, DType::float32, kernel, "an operand");
  }
}

}  // namespace

/// The kernel in cuDNN's KRSC layout (a new device tensor).
static Tensor kernel_to_krsc(CudaBackend& be, const WindowGeometry& g, const Tensor& kernel) {
  const std::vector<int64_t> perm = keras_to_krsc(g.spatial);
  std::vector<int64_t> dims;
  for (int64_t a : perm) dims.push_back(kernel.shape()[static_cast<size_t>(a)]);
  Tensor krsc = Tensor::empty(Shape(dims), DType::float32, be.device());
  be.transpose(kernel, perm, krsc);
  return krsc;
}

/// x, or x zero-padded into the larger buffer the plan asks for.
static Tensor padded_input(CudaBackend& be, const WindowGeometry& g, const ConvPlan& p, const Tensor& x) {
  if (!p.explicit_padding) return x;
  Tensor padded = Tensor::empty(padded_shape(g, p), DType::float32, be.device());
  be.fill(padded, 0.0);
  be.copy_slab(x, pad_offsets(g, p), false, padded);
  return padded;
}

void CudaBackend::conv_forward(const WindowGeometry& g, const Tensor& x, const Tensor& kernel, const Tensor& bias,
                               Tensor& y, const ConvEpilogue& epilogue) {
  require_float32("conv_forward", {&x, &kernel, &bias, &y, &epilogue.scale, &epilogue.shift});
  const ConvPlan p = plan_conv(g);
  Context& ctx = context();
  if (y.size() == 0) return;
  // With accumulate, y holds the tensor to add after the bias and scale: cuDNN writes
  // beside it and the epilogue adds the two into y.
  Tensor conv_out = epilogue.accumulate ? Tensor::empty(y.shape(), DType::float32, device()) : y;
  const Tensor xin = padded_input(*this, g, p, x);
  const Tensor w = kernel_to_krsc(*this, g, kernel);
  ConvDescriptors d(p);
  const auto algo = choose<cudnnConvolutionFwdAlgo_t, cudnnConvolutionFwdAlgoPerf_t>(
      g_forward_algos, g_algo_mutex, g, [&](cudnnConvolutionFwdAlgoPerf_t* perf, int n, int* returned) {
        check(cudnn_api().cudnnGetConvolutionForwardAlgorithm_v7(ctx.cudnn, d.x, d.w, d.conv, d.y, n, returned, perf),
              "cudnnGetConvolutionForwardAlgorithm_v7");
      });
  size_t ws_bytes = 0;
  check(cudnn_api().cudnnGetConvolutionForwardWorkspaceSize(ctx.cudnn, d.x, d.w, d.conv, d.y, algo, &ws_bytes),
        "cudnnGetConvolutionForwardWorkspaceSize");
  void* ws = ws_bytes ? ctx.scratch(ws_bytes) : nullptr;
  const float one = 1.f, zero = 0.f;
  check(cudnn_api().cudnnConvolutionForward(ctx.cudnn, &one, d.x, xin.raw_data(), d.w, w.raw_data(), d.conv, algo, ws,
                                            ws_bytes, &zero, d.y, conv_out.raw_data()),
        "cudnnConvolutionForward");
  if (!bias.defined() && epilogue.empty()) return;
  auto floats = [](const Tensor& t) { return t.defined() ? static_cast<const float*>(t.raw_data()) : nullptr; };
  const int64_t channels = g.out_channels, rows = y.size() / channels;
  kernels::conv_epilogue(floats(conv_out), static_cast<float*>(y.raw_data()), rows, channels, floats(bias),
                         floats(epilogue.scale), floats(epilogue.shift), epilogue.accumulate, epilogue.activation,
                         ctx.stream);
}

void CudaBackend::conv_backward_data(const WindowGeometry& g, const Tensor& dy, const Tensor& kernel, Tensor& dx) {
  require_float32("conv_backward_data", {&dy, &kernel, &dx});
  const ConvPlan p = plan_conv(g);
  Context& ctx = context();
  if (dx.size() == 0) return;
  if (dy.size() == 0) {
    fill(dx, 0.0);
    return;
  }
  const Tensor w = kernel_to_krsc(*this, g, kernel);
  Tensor dx_full = p.explicit_padding ? Tensor::empty(padded_shape(g, p), DType::float32, device()) : dx;
  ConvDescriptors d(p);
  const auto algo = choose<cudnnConvolutionBwdDataAlgo_t, cudnnConvolutionBwdDataAlgoPerf_t>(
      g_backward_data_algos, g_algo_mutex, g, [&](cudnnConvolutionBwdDataAlgoPerf_t* perf, int n, int* returned) {
        check(cudnn_api().cudnnGetConvolutionBackwardDataAlgorithm_v7(ctx.cudnn, d.w, d.y, d.conv, d.x, n, returned,
                                                                      perf),
              "cudnnGetConvolutionBackwardDataAlgorithm_v7");
      });
  size_t ws_bytes = 0;
  check(cudnn_api().cudnnGetConvolutionBackwardDataWorkspaceSize(ctx.cudnn, d.w, d.y, d.conv, d.x, algo, &ws_bytes),
        "cudnnGetConvolutionBackwardDataWorkspaceSize");
  void* ws = ws_bytes ? ctx.scratch(ws_bytes) : nullptr;
  const float one = 1.f, zero = 0.f;
  check(cudnn_api().cudnnConvolutionBackwardData(ctx.cudnn, &one, d.w, w.raw_data(), d.y, dy.raw_data(), d.conv, algo,
                                                 ws, ws_bytes, &zero, d.x, dx_full.raw_data()),
        "cudnnConvolutionBackwardData");
  if (p.explicit_padding) copy_slab(dx_full, pad_offsets(g, p), true, dx);
}

void CudaBackend::conv_backward_weights(const WindowGeometry& g, const Tensor& x, const Tensor& dy, Tensor& dkernel,
                                        Tensor& dbias) {
  require_float32("conv_backward_weights", {&x, &dy, &dkernel, &dbias});
  const ConvPlan p = plan_conv(g);
  Context& ctx = context();
  if (dbias.defined()) {
    // The bias gradient: dy summed over every row (batch and positions) per channel.
    reduce(ReduceOp::sum, dy, 1, dy.size() / std::max<int64_t>(g.out_channels, 1), g.out_channels, dbias);
  }
  if (dkernel.size() == 0) return;
  const std::vector<int64_t> perm = keras_to_krsc(g.spatial);
  std::vector<int64_t> krsc_dims;
  for (int64_t a : perm) krsc_dims.push_back(dkernel.shape()[static_cast<size_t>(a)]);
  Tensor dw = Tensor::empty(Shape(krsc_dims), DType::float32, device());
  if (dy.size() == 0 || x.size() == 0) {
    fill(dkernel, 0.0);
    return;
  }
  const Tensor xin = padded_input(*this, g, p, x);
  ConvDescriptors d(p);
  const auto algo = choose<cudnnConvolutionBwdFilterAlgo_t, cudnnConvolutionBwdFilterAlgoPerf_t>(
      g_backward_filter_algos, g_algo_mutex, g, [&](cudnnConvolutionBwdFilterAlgoPerf_t* perf, int n, int* returned) {
        check(cudnn_api().cudnnGetConvolutionBackwardFilterAlgorithm_v7(ctx.cudnn, d.x, d.y, d.conv, d.w, n, returned,
                                                                        perf),
              "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
      });
  size_t ws_bytes = 0;
  check(cudnn_api().cudnnGetConvolutionBackwardFilterWorkspaceSize(ctx.cudnn, d.x, d.y, d.conv, d.w, algo, &ws_bytes),
        "cudnnGetConvolutionBackwardFilterWorkspaceSize");
  void* ws = ws_bytes ? ctx.scratch(ws_bytes) : nullptr;
  const float one = 1.f, zero = 0.f;
  check(cudnn_api().cudnnConvolutionBackwardFilter(ctx.cudnn, &one, d.x, xin.raw_data(), d.y, dy.raw_data(), d.conv,
                                                   algo, ws, ws_bytes, &zero, d.w, dw.raw_data()),
        "cudnnConvolutionBackwardFilter");
  transpose(dw, krsc_to_keras(g.spatial), dkernel);
}

}  // namespace keras::backend::cuda
