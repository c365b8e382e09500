// Which (kernel, dtype) pairs the CPU backend runs: what each kernel's dtype switch
// handles (see the kernel files), nothing more. BackendOps checks every pair against
// the reference backend, so a claim here is a tested promise.
#include "backend/cpu/cpu_backend.h"

namespace keras::backend::cpu {

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
    // Everything else is float32 only (oneDNN primitives, sgemm, float loops).
    default:
      return dtype == DType::float32;
  }
}

}  // namespace keras::backend::cpu
