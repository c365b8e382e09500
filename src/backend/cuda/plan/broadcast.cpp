// plan_broadcast: a binary op's NumPy broadcast as one walk over the output with a stride
// per operand. Dims are folded as the CPU's binary kernel folds them
// (cpu/ref/binary.cpp): size-1 output dims are dropped, and neighbours that broadcast
// the same way (each operand either steps through both or repeats both) merge, so the
// common cases (same shape, a scalar, a bias over the last axis) are one or two dims.
#include <string>
#include <vector>

#include "backend/cuda/plan/plans.h"
#include "keras/errors.h"

namespace keras::backend::cuda {

namespace {

[[noreturn]] void throw_not_broadcastable(const Shape& a, const Shape& b, const Shape& out, const std::string& why) {
  throw ValueError(detail::cat("binary: operands of shapes ", a.to_string(), " and ", b.to_string(),
                               " cannot be broadcast to the output shape ", out.to_string(), ": ", why));
}

/// `shape` right-aligned to `rank` dims, leading dims 1 (NumPy's rule).
std::vector<int64_t> aligned(const Shape& shape, size_t rank) {
  std::vector<int64_t> dims(rank, 1);
  for (size_t i = 0; i < shape.size(); ++i) dims[rank - shape.size() + i] = shape[i];
  return dims;
}

}  // namespace

BroadcastPlan plan_broadcast(const Shape& a, const Shape& b, const Shape& out) {
  const size_t rank = out.size();
  if (a.size() > rank || b.size() > rank)
    throw_not_broadcastable(a, b, out, "an operand has more dims than the output");
  const std::vector<int64_t> da = aligned(a, rank), db = aligned(b, rank);
  for (size_t i = 0; i < rank; ++i)
    if ((da[i] != 1 && da[i] != out[i]) || (db[i] != 1 && db[i] != out[i]))
      throw_not_broadcastable(a, b, out, "a dim is neither 1 nor the output's");

  // Folded dims, and whether each operand steps through them (false: broadcast, stride 0).
  std::vector<int64_t> dims;
  std::vector<bool> a_steps, b_steps;
  for (size_t i = 0; i < rank; ++i) {
    if (out[i] == 1) continue;  // its index is always 0
    const bool sa = da[i] != 1, sb = db[i] != 1;
    if (!dims.empty() && a_steps.back() == sa && b_steps.back() == sb) {
      dims.back() *= out[i];
      continue;
    }
    dims.push_back(out[i]);
    a_steps.push_back(sa);
    b_steps.push_back(sb);
  }
  if (dims.size() > static_cast<size_t>(kMaxPlanRank))
    throw_not_broadcastable(a, b, out, detail::cat("the walk needs ", dims.size(), " dims, more than ", kMaxPlanRank));

  BroadcastPlan plan;
  plan.size = out.num_elements();
  if (dims.empty()) {  // a scalar, or only size-1 dims: one element, read at offset 0
    plan.rank = 1;
    plan.dims[0] = 1;
    return plan;
  }
  plan.rank = static_cast<int>(dims.size());
  // Row-major element strides over the folded dims, counting only the dims each operand steps through.
  int64_t a_step = 1, b_step = 1;
  for (size_t k = dims.size(); k-- > 0;) {
    plan.dims[k] = dims[k];
    if (a_steps[k]) {
      plan.a_stride[k] = a_step;
      a_step *= dims[k];
    }
    if (b_steps[k]) {
      plan.b_stride[k] = b_step;
      b_step *= dims[k];
    }
  }
  return plan;
}

}  // namespace keras::backend::cuda
