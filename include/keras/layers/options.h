// Small value types for layer options that Keras accepts as "int or tuple".
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "keras/errors.h"

namespace keras::layers {

/// N integers given as one (repeated) or as a braced list of N: Size2{3} or {3, 3}.
template <size_t N>
struct SizeN {
  std::array<int64_t, N> values{};

  SizeN() = default;
  SizeN(int64_t v) { values.fill(v); }  // NOLINT: implicit, like Keras's int-or-tuple
  SizeN(std::initializer_list<int64_t> list) {
    if (list.size() != N && list.size() != 1)
      throw ValueError(detail::cat("Expected ", N, " values (or one), got a list of ", list.size()));
    if (list.size() == 1) values.fill(*list.begin());
    else std::copy(list.begin(), list.end(), values.begin());
  }
  int64_t operator[](size_t i) const { return values[i]; }
  std::vector<int64_t> vec() const { return {values.begin(), values.end()}; }
};

/// N (before, after) pairs, one per spatial axis, in Keras's three spellings:
///   one int for every side:                          SidesN<2>{1}
///   one int per axis, both sides (N >= 2), or the
///   two sides of the one axis (N == 1):               SidesN<2>{1, 2};  SidesN<1>{1, 2}
///   a pair per axis:                                  SidesN<2>{{1, 2}, {0, 3}}
/// (ZeroPadding and Cropping take these.)
template <size_t N>
struct SidesN {
  std::array<std::array<int64_t, 2>, N> values{};

  SidesN() = default;
  SidesN(int64_t v) {  // NOLINT: implicit, like Keras's int-or-tuple
    for (auto& p : values) p = {v, v};
  }
  SidesN(std::initializer_list<int64_t> list) {
    if constexpr (N == 1) {
      if (list.size() != 2)
        throw ValueError(detail::cat("Expected one int or a (before, after) pair, got a list of ", list.size()));
      values[0] = {*list.begin(), *(list.begin() + 1)};
    } else {
      if (list.size() != N)
        throw ValueError(detail::cat("Expected ", N, " values (or one), got a list of ", list.size()));
      size_t i = 0;
      for (int64_t v : list) values[i++] = {v, v};
    }
  }
  SidesN(std::initializer_list<std::array<int64_t, 2>> pairs) {
    if (pairs.size() != N) throw ValueError(detail::cat("Expected ", N, " (before, after) pairs, got ", pairs.size()));
    std::copy(pairs.begin(), pairs.end(), values.begin());
  }
  int64_t before(size_t axis) const { return values[axis][0]; }
  int64_t after(size_t axis) const { return values[axis][1]; }
};

/// One number, or a list of them (Keras's "float or list of floats", e.g. Rescaling's
/// scale: a list applies per channel, along the last axis).
struct FloatOrList {
  std::vector<double> values{0.0};
  bool is_list = false;
  bool is_integer = false;  // given as an integer (`offset=-1`): written back as one, as Keras does

  FloatOrList() = default;
  FloatOrList(double v) : values{v} {}  // NOLINT: implicit, like Keras's float-or-list
  FloatOrList(int v) : values{static_cast<double>(v)}, is_integer(true) {}  // NOLINT: implicit
  FloatOrList(std::initializer_list<double> list) : values(list), is_list(true) {}
  FloatOrList(std::vector<double> list) : values(std::move(list)), is_list(true) {}
  bool operator==(const FloatOrList&) const = default;
};

/// One axis or a list of them (Keras's "int or list of ints" `axis` arguments). It
/// remembers which it was given, because Keras writes the argument back that way:
/// Axes{-1} is the int -1, Axes{1, 2} and Axes(std::vector<int64_t>{-1}) are lists. An
/// empty list is Keras's None where a layer accepts it (Normalization: no kept axis).
struct Axes {
  std::vector<int64_t> values{-1};
  bool is_list = false;

  Axes() = default;
  Axes(int64_t axis) : values{axis} {}  // NOLINT: implicit, like Keras's int-or-list
  Axes(int axis) : values{axis} {}      // NOLINT: so a plain literal is not ambiguous
  Axes(std::initializer_list<int64_t> list) : values(list), is_list(true) {}
  Axes(std::vector<int64_t> list) : values(std::move(list)), is_list(true) {}
  bool operator==(const Axes&) const = default;
};

/// A number or a (nested, rectangular) list of numbers, as NumPy reads them: the values in
/// row-major order and their shape (empty for a number). Default-constructed it is None
/// (no values at all, which no array has). Normalization's mean and variance.
struct FloatArray {
  std::vector<double> values{};
  std::vector<int64_t> shape{};

  FloatArray() = default;
  FloatArray(double v) : values{v} {}  // NOLINT: implicit, like Keras's float-or-array
  FloatArray(std::initializer_list<double> list) : values(list), shape{static_cast<int64_t>(list.size())} {}
  FloatArray(std::vector<double> list) : values(std::move(list)), shape{static_cast<int64_t>(values.size())} {}
  /// `values` in row-major order for an array of `shape`.
  FloatArray(std::vector<double> values_, std::vector<int64_t> shape_);
  bool is_none() const { return values.empty() && shape.empty(); }
  bool operator==(const FloatArray&) const = default;
};

using Size1 = SizeN<1>;
using Size2 = SizeN<2>;
using Size3 = SizeN<3>;

}  // namespace keras::layers
