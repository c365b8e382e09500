// plan_transpose and plan_slab: a transpose or a block copy as one strided walk over the
// output (transpose) or the small tensor (slab), with the fewest dims that describe it.
// Size-1 dims are dropped (their index is always 0) and neighbours that step through
// memory as one dim are merged, so NHWC -> NCHW is a 3-d walk and a concatenation's part
// a 2-d one whatever the rank.
#include <string>

#include "backend/cuda/plan/plans.h"
#include "keras/errors.h"

namespace keras::backend::cuda {

namespace {

using keras::detail::cat;

std::vector<int64_t> row_major_strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

std::string list_to_string(const std::vector<int64_t>& values) {
  std::string s = "(";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + std::to_string(values[i]);
  return s + ")";
}

/// A walk's dims while they are folded: each dim's size and the element step its index
/// makes in the two walked tensors.
struct FoldedDims {
  struct Dim {
    int64_t size, stride_a, stride_b;
  };
  std::vector<Dim> dims;

  /// Appends a dim, merged into the previous one when that steps exactly `size` of this
  /// one's strides in both tensors (the two then move through memory as one longer dim).
  /// Size-1 dims are dropped: their index is always 0.
  void append(int64_t size, int64_t stride_a, int64_t stride_b) {
    if (size == 1) return;
    if (!dims.empty() && dims.back().stride_a == stride_a * size && dims.back().stride_b == stride_b * size) {
      dims.back() = {dims.back().size * size, stride_a, stride_b};
      return;
    }
    dims.push_back({size, stride_a, stride_b});
  }

  /// Writes the dims into a plan's arrays (one dim of `size` when none is left: a scalar,
  /// or only size-1 dims, so that kernels always have a dim to index). The caller checked
  /// that they fit.
  int write(int64_t size, std::array<int64_t, kMaxPlanRank>& out_dims, std::array<int64_t, kMaxPlanRank>& a,
            std::array<int64_t, kMaxPlanRank>& b) const {
    if (dims.empty()) {
      out_dims[0] = size;
      a[0] = b[0] = 1;
      return 1;
    }
    for (size_t k = 0; k < dims.size(); ++k) {
      out_dims[k] = dims[k].size;
      a[k] = dims[k].stride_a;
      b[k] = dims[k].stride_b;
    }
    return static_cast<int>(dims.size());
  }

  bool fits() const { return dims.size() <= static_cast<size_t>(kMaxPlanRank); }
};

}  // namespace

TransposePlan plan_transpose(const Shape& x, const std::vector<int64_t>& perm) {
  const size_t rank = x.size();
  bool is_permutation = perm.size() == rank;
  std::vector<bool> seen(rank, false);
  for (size_t k = 0; is_permutation && k < rank; ++k) {
    const int64_t p = perm[k];
    is_permutation = p >= 0 && p < static_cast<int64_t>(rank) && !seen[static_cast<size_t>(p)];
    if (is_permutation) seen[static_cast<size_t>(p)] = true;
  }
  if (!is_permutation)
    throw ValueError(
        cat("transpose: perm ", list_to_string(perm), " is not a permutation of the axes of shape ", x.to_string()));

  TransposePlan plan;
  plan.size = x.num_elements();
  if (plan.size == 0) {  // nothing to move; one empty dim
    plan.rank = 1;
    plan.dims[0] = 0;
    plan.in_stride[0] = 1;
    return plan;
  }
  const auto in_strides = row_major_strides(x);
  // The output is walked row-major, so its own steps always merge: only the input's
  // stride decides (stride_b stays 0).
  FoldedDims folded;
  for (size_t k = 0; k < rank; ++k) {
    const size_t axis = static_cast<size_t>(perm[k]);
    folded.append(x[axis], in_strides[axis], 0);
  }
  if (!folded.fits())
    throw ValueError(cat("transpose: shape ", x.to_string(), " with perm ", list_to_string(perm), " needs ",
                         folded.dims.size(), " dims after merging neighbours; the CUDA kernels take at most ",
                         kMaxPlanRank));
  std::array<int64_t, kMaxPlanRank> unused{};
  plan.rank = folded.write(plan.size, plan.dims, plan.in_stride, unused);
  return plan;
}

SlabPlan plan_slab(const Shape& big, const Shape& small, const std::vector<int64_t>& offsets) {
  bool fits = small.size() == big.size() && offsets.size() == big.size();
  for (size_t k = 0; fits && k < offsets.size(); ++k)
    fits = small[k] >= 0 && offsets[k] >= 0 && offsets[k] + small[k] <= big[k];
  if (!fits)
    throw ValueError(cat("copy_slab: a block of shape ", small.to_string(), " does not fit in shape ", big.to_string(),
                         " at offsets ", list_to_string(offsets)));

  SlabPlan plan;
  plan.size = small.num_elements();
  if (plan.size == 0) {
    plan.rank = 1;
    plan.dims[0] = 0;
    plan.small_stride[0] = plan.big_stride[0] = 1;
    return plan;
  }
  const auto big_strides = row_major_strides(big);
  const auto small_strides = row_major_strides(small);
  for (size_t k = 0; k < big.size(); ++k) plan.big_offset += offsets[k] * big_strides[k];
  FoldedDims folded;
  for (size_t k = 0; k < small.size(); ++k) folded.append(small[k], small_strides[k], big_strides[k]);
  if (!folded.fits())
    throw ValueError(cat("copy_slab: a block of shape ", small.to_string(), " at offsets ", list_to_string(offsets),
                         " of shape ", big.to_string(), " needs ", folded.dims.size(),
                         " dims after merging neighbours; the CUDA kernels take at most ", kMaxPlanRank));
  plan.rank = folded.write(plan.size, plan.dims, plan.small_stride, plan.big_stride);
  return plan;
}

}  // namespace keras::backend::cuda
