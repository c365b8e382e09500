// Element types. Keras's dtype names ("float32", "int32", ...) are the string forms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace keras {

enum class DType : uint8_t {
  float32,
  float16,  // mixed precision: kernels widen to float32 where a backend has no 16-bit one
  bfloat16,
  float64,
  int32,
  int64,
  uint8,
  bool_,
  // Text: each element is a std::string (UTF-8 bytes), as Keras's "string" tensors that
  // TextVectorization, StringLookup and Hashing take. CPU only; ops that move data
  // (reshape, slicing, gather, concatenate, transpose, copies) take them, arithmetic
  // throws TypeError.
  string,
};

/// Bytes per element (sizeof(std::string) for DType::string).
size_t dtype_size(DType dtype);
/// Keras's name: "float32", "int64", "bool", ...
std::string_view dtype_name(DType dtype);
/// Inverse of dtype_name; throws ValueError naming the string for unknown names.
DType dtype_from_name(std::string_view name);
bool is_floating(DType dtype);

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::float32; }
template <> constexpr DType dtype_of<double>() { return DType::float64; }
template <> constexpr DType dtype_of<int32_t>() { return DType::int32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::int64; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::uint8; }
template <> constexpr DType dtype_of<bool>() { return DType::bool_; }
template <> constexpr DType dtype_of<std::string>() { return DType::string; }

}  // namespace keras
