#include "keras/tensor/shape.h"

#include "keras/errors.h"

namespace keras {

int64_t Shape::dim(int64_t i) const {
  const int64_t r = rank();
  if (i < -r || i >= r) throw ValueError(detail::cat("Dimension ", i, " out of range for shape ", to_string()));
  return dims_[static_cast<size_t>(i < 0 ? i + r : i)];
}

int64_t Shape::num_elements() const {
  int64_t n = 1;
  for (int64_t d : dims_) {
    if (d < 0) throw ValueError(detail::cat("Shape ", to_string(), " is not fully defined"));
    n *= d;
  }
  return n;
}

bool Shape::is_fully_defined() const {
  for (int64_t d : dims_)
    if (d < 0) return false;
  return true;
}

std::string Shape::to_string() const {
  std::string s = "(";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ", ";
    s += dims_[i] < 0 ? std::string("None") : std::to_string(dims_[i]);
  }
  if (dims_.size() == 1) s += ",";
  return s + ")";
}

Shape Shape::slice(int64_t from, int64_t to) const {
  const int64_t r = rank();
  if (from < 0) from += r;
  if (to < 0) to += r;
  from = std::max<int64_t>(0, std::min(from, r));
  to = std::max<int64_t>(from, std::min(to, r));
  return Shape(dims_.begin() + from, dims_.begin() + to);
}

Shape Shape::with_batch(int64_t batch) const {
  Shape s = *this;
  s.insert(0, batch);
  return s;
}

int64_t normalize_axis(int64_t axis, int64_t rank, const char* what) {
  if (axis < -rank || axis >= rank)
    throw ValueError(detail::cat("Invalid ", what, "=", axis, " for a tensor of rank ", rank,
                                 ": expected a value in [", -rank, ", ", rank, ")"));
  return axis < 0 ? axis + rank : axis;
}

}  // namespace keras
