#include "layers/preprocessing/encoding_internal.h"

#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers::detail {

Shape encoded_shape(const Shape& in, const std::string& mode, int64_t depth) {
  Shape s = in.rank() == 0 ? Shape{1} : in;
  if (mode == "one_hot") {
    if (s.rank() > 1 && s.back() == 1) s.erase(s.size() - 1);
  } else if (s.rank() == 1) {
    s = Shape{};
  } else {
    s.erase(1);
  }
  s.push_back(depth);
  return s;
}

Tensor encode_categorical(const Tensor& indices_in, const std::string& mode, int64_t depth, DType dtype,
                          const Tensor& count_weights) {
  Tensor indices = indices_in.rank() == 0 ? ops::reshape(indices_in, Shape{1}) : indices_in;
  const Shape out_shape = encoded_shape(indices.shape(), mode, depth);
  Tensor out;
  if (mode == "one_hot") {
    out = ops::one_hot(ops::reshape(indices, out_shape.slice(0, -1)), depth);
  } else {
    const int64_t axis = indices.rank() > 1 ? 1 : 0;
    if (indices.dim(axis) == 0) {
      out = Tensor::zeros(out_shape, DType::float32, indices.device());  // empty samples: nothing present
    } else {
      Tensor encoded = ops::one_hot(indices, depth);
      if (mode == "count") {
        if (count_weights.defined()) {
          const Tensor w =
              count_weights.dtype() == DType::float32 ? count_weights : ops::cast(count_weights, DType::float32);
          encoded = ops::multiply(encoded, ops::expand_dims(ops::reshape(w, indices.shape()), -1));
        }
        out = ops::sum(encoded, {axis});
      } else {
        out = ops::max(encoded, {axis});
      }
    }
  }
  return out.dtype() == dtype ? out : ops::cast(out, dtype);
}

}  // namespace keras::layers::detail
