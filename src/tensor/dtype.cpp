#include "keras/tensor/dtype.h"

#include "keras/errors.h"
#include "utils/excerpt.h"

namespace keras {

size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::float32: return 4;
    case DType::float16: return 2;
    case DType::bfloat16: return 2;
    case DType::float64: return 8;
    case DType::int32: return 4;
    case DType::int64: return 8;
    case DType::uint8: return 1;
    case DType::bool_: return 1;
    case DType::string: return sizeof(std::string);
  }
  return 0;
}

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::float32: return "float32";
    case DType::float16: return "float16";
    case DType::bfloat16: return "bfloat16";
    case DType::float64: return "float64";
    case DType::int32: return "int32";
    case DType::int64: return "int64";
    case DType::uint8: return "uint8";
    case DType::bool_: return "bool";
    case DType::string: return "string";
  }
  return "?";
}

DType dtype_from_name(std::string_view name) {
  for (DType d : {DType::float32, DType::float16, DType::bfloat16, DType::float64, DType::int32, DType::int64,
                  DType::uint8, DType::bool_, DType::string})
    if (dtype_name(d) == name) return d;
  throw ValueError(detail::cat("Unknown dtype: '", utils::excerpt(name),
                               "'. Expected one of float32, float16, bfloat16, ",
                               "float64, int32, int64, uint8, bool, string"));
}

bool is_floating(DType dtype) {
  return dtype == DType::float32 || dtype == DType::float16 || dtype == DType::bfloat16 || dtype == DType::float64;
}

}  // namespace keras
