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

using Size1 = SizeN<1>;
using Size2 = SizeN<2>;
using Size3 = SizeN<3>;

}  // namespace keras::layers
