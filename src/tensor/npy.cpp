#include "keras/tensor/npy.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "keras/utils/file_utils.h"

namespace keras {

using detail::cat;

namespace {

std::string descr_for(DType d) {
  switch (d) {
    case DType::float32: return "<f4";
    case DType::float64: return "<f8";
    case DType::float16: return "<f2";
    case DType::int32: return "<i4";
    case DType::int64: return "<i8";
    case DType::uint8: return "|u1";
    case DType::bool_: return "|b1";
    default: throw TypeError(cat("save_npy: dtype ", dtype_name(d), " has no .npy form"));
  }
}

DType dtype_for(const std::string& descr, const std::string& path) {
  if (descr == "<f4") return DType::float32;
  if (descr == "<f8") return DType::float64;
  if (descr == "<f2") return DType::float16;
  if (descr == "<i4") return DType::int32;
  if (descr == "<i8") return DType::int64;
  if (descr == "|u1" || descr == "<u1") return DType::uint8;
  if (descr == "|b1") return DType::bool_;
  throw IOError(cat(path, ": unsupported .npy dtype '", descr, "' (supported: float32, float64, float16, int32, int64, "
                    "uint8, bool, little-endian)"));
}

/// The value text after `'key':` in the header dict.
std::string header_value(const std::string& header, const std::string& key, const std::string& path) {
  const auto k = header.find("'" + key + "'");
  if (k == std::string::npos) throw IOError(cat(path, ": .npy header has no '", key, "'"));
  auto colon = header.find(':', k);
  if (colon == std::string::npos) throw IOError(cat(path, ": malformed .npy header"));
  ++colon;
  while (colon < header.size() && header[colon] == ' ') ++colon;
  return header.substr(colon);
}

}  // namespace

Tensor load_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IOError(cat("Cannot open ", path));
  const auto file_size = static_cast<uint64_t>(std::filesystem::file_size(path));
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) throw IOError(cat(path, " is not a .npy file"));
  const int major = static_cast<unsigned char>(magic[6]);
  uint64_t header_len = 0;
  if (major == 1) {
    unsigned char b[2];
    if (!in.read(reinterpret_cast<char*>(b), 2)) throw IOError(cat(path, ": truncated .npy header"));
    header_len = b[0] | (uint64_t{b[1]} << 8);
  } else if (major == 2 || major == 3) {
    unsigned char b[4];
    if (!in.read(reinterpret_cast<char*>(b), 4)) throw IOError(cat(path, ": truncated .npy header"));
    header_len = b[0] | (uint64_t{b[1]} << 8) | (uint64_t{b[2]} << 16) | (uint64_t{b[3]} << 24);
  } else {
    throw IOError(cat(path, ": unsupported .npy version ", major));
  }
  if (header_len > 1 << 20 || header_len > file_size) throw IOError(cat(path, ": implausible .npy header length"));
  std::string header(header_len, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header_len))) throw IOError(cat(path, ": truncated .npy header"));

  std::string descr = header_value(header, "descr", path);
  if (descr.size() < 2 || descr[0] != '\'') throw IOError(cat(path, ": malformed descr in .npy header"));
  descr = descr.substr(1, descr.find('\'', 1) - 1);
  const DType dtype = dtype_for(descr, path);
  if (header_value(header, "fortran_order", path).rfind("False", 0) != 0)
    throw IOError(cat(path, ": Fortran-ordered .npy arrays are not supported"));
  std::string shape_text = header_value(header, "shape", path);
  if (shape_text.empty() || shape_text[0] != '(') throw IOError(cat(path, ": malformed shape in .npy header"));
  shape_text = shape_text.substr(1, shape_text.find(')') - 1);
  Shape shape;
  uint64_t count = 1;
  size_t pos = 0;
  while (pos < shape_text.size()) {
    while (pos < shape_text.size() && (shape_text[pos] == ' ' || shape_text[pos] == ',')) ++pos;
    if (pos >= shape_text.size()) break;
    size_t end = pos;
    while (end < shape_text.size() && std::isdigit(static_cast<unsigned char>(shape_text[end]))) ++end;
    if (end == pos || end - pos > 12) throw IOError(cat(path, ": malformed shape in .npy header"));
    const uint64_t d = std::stoull(shape_text.substr(pos, end - pos));
    if (d > 0 && count > (uint64_t{1} << 40) / d) throw IOError(cat(path, ": .npy array too large"));
    count *= d;
    shape.push_back(static_cast<int64_t>(d));
    pos = end;
  }
  const uint64_t data_offset = static_cast<uint64_t>(in.tellg());
  const uint64_t nbytes = count * dtype_size(dtype);
  if (data_offset + nbytes > file_size)
    throw IOError(cat(path, ": .npy data is truncated (expects ", nbytes, " bytes of ", dtype_name(dtype), " for shape ",
                      shape.to_string(), ")"));
  Tensor t = Tensor::empty(shape, dtype);
  if (nbytes && !in.read(static_cast<char*>(t.raw_data()), static_cast<std::streamsize>(nbytes)))
    throw IOError(cat(path, ": .npy data is truncated"));
  return t;
}

void save_npy(const std::string& path, const Tensor& tensor_in) {
  const Tensor tensor = tensor_in.to(Device::cpu());
  std::string shape = "(";
  for (size_t i = 0; i < tensor.shape().size(); ++i) shape += std::to_string(tensor.shape()[i]) + (tensor.rank() == 1 ? "," : i + 1 < tensor.shape().size() ? ", " : "");
  shape += ")";
  std::string header = "{'descr': '" + descr_for(tensor.dtype()) + "', 'fortran_order': False, 'shape': " + shape + ", }";
  const size_t total = 10 + header.size() + 1;
  header += std::string((64 - total % 64) % 64, ' ') + "\n";
  utils::write_file_atomically(path, [&](std::ostream& out) {
    out.write("\x93NUMPY\x01\x00", 8);
    const uint16_t len = static_cast<uint16_t>(header.size());
    const char lb[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
    out.write(lb, 2);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(static_cast<const char*>(tensor.raw_data()), static_cast<std::streamsize>(tensor.nbytes()));
  });
}

}  // namespace keras
