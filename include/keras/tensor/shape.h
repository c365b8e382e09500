// Shapes: a list of dimensions. -1 (kNone) stands for an unknown dimension ("None" in
// Keras), which only symbolic shapes (layer input/output shapes) carry.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace keras {

inline constexpr int64_t kNone = -1;

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit Shape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}
  template <class It>
  Shape(It first, It last) : dims_(first, last) {}

  int64_t rank() const { return static_cast<int64_t>(dims_.size()); }
  size_t size() const { return dims_.size(); }
  bool empty() const { return dims_.empty(); }

  int64_t operator[](size_t i) const { return dims_[i]; }
  int64_t& operator[](size_t i) { return dims_[i]; }
  /// Python-style index: dim(-1) is the last dimension. Throws on out of range.
  int64_t dim(int64_t i) const;
  int64_t back() const { return dims_.back(); }

  /// Product of all dimensions (1 for a scalar). Throws if a dimension is unknown.
  int64_t num_elements() const;
  bool is_fully_defined() const;

  /// Python tuple form, as Keras prints shapes: "(None, 28, 28, 1)", "(5,)", "()".
  std::string to_string() const;

  const std::vector<int64_t>& dims() const { return dims_; }
  std::vector<int64_t>::const_iterator begin() const { return dims_.begin(); }
  std::vector<int64_t>::const_iterator end() const { return dims_.end(); }
  void push_back(int64_t d) { dims_.push_back(d); }
  void insert(size_t pos, int64_t d) { dims_.insert(dims_.begin() + static_cast<std::ptrdiff_t>(pos), d); }
  void erase(size_t pos) { dims_.erase(dims_.begin() + static_cast<std::ptrdiff_t>(pos)); }

  /// Dimensions [from, to) as a new shape (to < 0 counts from the end).
  Shape slice(int64_t from, int64_t to) const;
  Shape slice(int64_t from) const { return slice(from, rank()); }
  /// This shape with a batch dimension of `batch` in front.
  Shape with_batch(int64_t batch = kNone) const;

  bool operator==(const Shape& o) const { return dims_ == o.dims_; }
  bool operator!=(const Shape& o) const { return dims_ != o.dims_; }

 private:
  std::vector<int64_t> dims_;
};

/// Normalises a possibly negative axis against `rank`; throws ValueError naming `what`.
int64_t normalize_axis(int64_t axis, int64_t rank, const char* what = "axis");

}  // namespace keras
