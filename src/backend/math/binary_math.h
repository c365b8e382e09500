// One element of a BinaryOp: the CPU's broadcasting loops (cpu/ref/binary.cpp) and the
// CUDA kernel (cuda/elementwise.cu) both call it, so the two backends agree element by
// element.
#pragma once

#include <cmath>
#include <type_traits>

#include "backend/backend.h"
#include "backend/math/host_device.h"

namespace keras::backend::math {

/// a (op) b on operands of type T, converted to R: T for arithmetic, uint8_t (0 or 1)
/// for comparisons. Integer division by zero gives 0 instead of trapping.
template <class T, class R>
KERAS_HOST_DEVICE inline R binary_apply(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::add:
      return static_cast<R>(a + b);
    case BinaryOp::sub:
      return static_cast<R>(a - b);
    case BinaryOp::mul:
      return static_cast<R>(a * b);
    case BinaryOp::div:
      if constexpr (std::is_integral_v<T>) return static_cast<R>(b == 0 ? 0 : a / b);
      else return static_cast<R>(a / b);
    case BinaryOp::max:
      return static_cast<R>(a > b ? a : b);
    case BinaryOp::min:
      return static_cast<R>(a < b ? a : b);
    case BinaryOp::pow:
      // Integers go through double, as std::pow's integer overloads do (those are host-only).
      if constexpr (std::is_integral_v<T>) {
        return static_cast<R>(std::pow(static_cast<double>(a), static_cast<double>(b)));
      } else {
        return static_cast<R>(std::pow(a, b));
      }
    case BinaryOp::eq:
      return static_cast<R>(a == b);
    case BinaryOp::ne:
      return static_cast<R>(a != b);
    case BinaryOp::lt:
      return static_cast<R>(a < b);
    case BinaryOp::le:
      return static_cast<R>(a <= b);
    case BinaryOp::gt:
      return static_cast<R>(a > b);
    case BinaryOp::ge:
      return static_cast<R>(a >= b);
  }
  return R{};
}

}  // namespace keras::backend::math
