// Which (kernel, dtype) pairs the CPU backend runs: what each kernel's dtype switch
// handles (see the kernel files), nothing more. BackendOps checks every pair against
// the reference backend, so a claim here is a tested promise.
#include <dnnl.hpp>

#include "backend/cpu/cpu_backend.h"

namespace keras::backend::cpu {

namespace {
/// Whether oneDNN runs bfloat16 natively here (AVX-512 BF16 or AMX): then convolution
/// and matmul take bfloat16 operands; elsewhere the half-precision adapter widens them.
bool native_bfloat16() {
  static const bool yes = [] {
    const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
    const auto bf16 = static_cast<unsigned>(dnnl::cpu_isa::avx512_core_bf16);
    return (isa & bf16) == bf16;
  }();
  return yes;
}
}  // namespace

bool CpuBackend::supports(Op op, DType dtype) const {
  switch (op) {
    // Byte-wise (memcpy, or element size only; strings by assignment), or through
    // read/write_as_double.
    case Op::copy:
    case Op::cast:  // strings: only to strings
    case Op::transpose:
    case Op::take_rows:
    case Op::copy_slab:
      return true;
    case Op::fill:
    case Op::one_hot:  // indices read through read_as_double
      return dtype != DType::string;
    case Op::binary:
      return dtype == DType::float32 || dtype == DType::float64 || dtype == DType::int32 || dtype == DType::int64 ||
             dtype == DType::uint8 || dtype == DType::bool_;
    case Op::reduce:
      return dtype == DType::float32 || dtype == DType::float64 || dtype == DType::int32 || dtype == DType::int64;
    case Op::matmul:
    case Op::conv_forward:
    case Op::conv_backward_data:
    case Op::conv_backward_weights:
      return dtype == DType::float32 || (dtype == DType::bfloat16 && native_bfloat16());
    // Everything else is float32 only (oneDNN primitives, sgemm, float loops).
    default:
      return dtype == DType::float32;
  }
}

}  // namespace keras::backend::cpu
