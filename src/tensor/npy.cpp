#include "keras/tensor/npy.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "keras/utils/file_utils.h"
#include "utils/utf8.h"

namespace keras {

using detail::cat;

namespace {

constexpr size_t kMaxStreamBytes = size_t{4} << 30;  // what a pipe may bring (a file has no such bound)

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

// ---- strings: NumPy keeps '<U<n>' arrays as n UTF-32LE code points per element and
// '|S<n>' arrays as n bytes, both NUL-padded at the end (trailing NULs are not part of
// the value, as numpy reads them).

constexpr uint64_t kMaxNpyStringLength = uint64_t{1} << 24;

/// The element length of a string descr ('<U12' -> 12), 0 when `descr` is not one.
uint64_t string_length(const std::string& descr, char kind, const std::string& path) {
  if (descr.size() < 3 || descr[1] != kind || (descr[0] != '<' && descr[0] != '|' && descr[0] != '=')) return 0;
  uint64_t n = 0;
  for (size_t i = 2; i < descr.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(descr[i])) || i > 10)
      throw IOError(cat(path, ": malformed .npy string dtype '", descr, "'"));
    n = n * 10 + static_cast<uint64_t>(descr[i] - '0');
  }
  if (n == 0 || n > kMaxNpyStringLength) throw IOError(cat(path, ": implausible .npy string length in '", descr, "'"));
  return n;
}

void append_utf8(std::string& out, uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xc0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xe0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  }
}

/// The code points of UTF-8 `s`; ValueError naming the element on malformed input.
std::vector<uint32_t> utf8_code_points(const std::string& s, int64_t element) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    uint32_t c = 0;
    const size_t len = utils::utf8_sequence_at(s, i, &c);
    // NumPy could not read back what is not well-formed UTF-8.
    if (len == 0) throw ValueError(cat("save_npy: string element ", element, " is not valid UTF-8"));
    out.push_back(c);
    i += len;
  }
  return out;
}

Tensor read_string_array(std::istream& in, const Shape& shape, uint64_t count, uint64_t length, bool unicode,
                         uint64_t available, const std::string& path) {
  const uint64_t element_bytes = length * (unicode ? 4 : 1);
  if (count > 0 && element_bytes > available / count)
    throw IOError(cat(path, ": .npy data is truncated (expects ", count, " strings of ", element_bytes, " bytes)"));
  Tensor t = Tensor::empty(shape, DType::string);
  std::string* out = t.data<std::string>();
  std::vector<char> buffer(static_cast<size_t>(element_bytes));
  for (uint64_t i = 0; i < count; ++i) {
    if (!in.read(buffer.data(), static_cast<std::streamsize>(element_bytes)))
      throw IOError(cat(path, ": .npy data is truncated"));
    std::string& value = out[i];
    if (!unicode) {
      value.assign(buffer.data(), static_cast<size_t>(element_bytes));
      value.erase(value.find_last_not_of('\0') + 1);
      continue;
    }
    uint64_t used = length;
    auto code_point = [&](uint64_t k) {
      const auto* b = reinterpret_cast<const unsigned char*>(buffer.data() + 4 * k);
      return uint32_t{b[0]} | (uint32_t{b[1]} << 8) | (uint32_t{b[2]} << 16) | (uint32_t{b[3]} << 24);
    };
    while (used > 0 && code_point(used - 1) == 0) --used;
    for (uint64_t k = 0; k < used; ++k) {
      const uint32_t c = code_point(k);
      if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        throw IOError(cat(path, ": string element ", i, " holds an invalid code point ", c));
      append_utf8(value, c);
    }
  }
  return t;
}

/// A numeric .npy element type as stored: kind ('f', 'i', 'u', 'b'), bytes, byte order.
struct StoredType {
  char kind = 'f';
  size_t bytes = 4;
  bool big_endian = false;
};

/// NumPy's numeric descrs ('<f4', '>i2', '|u1', '=f8', ...).
StoredType stored_type(const std::string& descr, const std::string& path) {
  auto unsupported = [&] {
    return IOError(cat(path, ": unsupported .npy dtype '", descr.substr(0, 16),
                       "' (supported: float16/32/64, int8/16/32/64, uint8/16/32/64, bool in either byte order, and "
                       "strings: <U, |S)"));
  };
  if (descr.size() != 3 || !std::strchr("<>|=", descr[0]) || !std::strchr("fiub", descr[1])) throw unsupported();
  const StoredType t{descr[1], static_cast<size_t>(descr[2] - '0'), descr[0] == '>'};
  const bool ok =
      (t.kind == 'f' && (t.bytes == 2 || t.bytes == 4 || t.bytes == 8)) ||
      ((t.kind == 'i' || t.kind == 'u') && (t.bytes == 1 || t.bytes == 2 || t.bytes == 4 || t.bytes == 8)) ||
      (t.kind == 'b' && t.bytes == 1);
  if (!ok) throw unsupported();
  return t;
}

/// The tensor dtype a stored type loads as: itself where we have it, else the smallest
/// of ours that holds every value (int8/int16/uint16 -> int32, uint32/uint64 -> int64).
DType dtype_for(const StoredType& t) {
  switch (t.kind) {
    case 'f':
      return t.bytes == 2 ? DType::float16 : t.bytes == 4 ? DType::float32 : DType::float64;
    case 'b':
      return DType::bool_;
    case 'u':
      if (t.bytes == 1) return DType::uint8;
      return t.bytes == 2 ? DType::int32 : DType::int64;
    default:
      return t.bytes <= 4 ? DType::int32 : DType::int64;
  }
}

/// Converts `count` stored elements (already in host byte order) into t's dtype.
void convert_elements(const unsigned char* src, const StoredType& st, int64_t count, Tensor& t,
                      const std::string& path) {
  auto load = [&](auto tag, int64_t i) {
    decltype(tag) v;
    std::memcpy(&v, src + static_cast<size_t>(i) * sizeof v, sizeof v);
    return v;
  };
  for (int64_t i = 0; i < count; ++i) {
    if (t.dtype() == DType::int32) {
      const int64_t v = st.kind == 'u'  ? static_cast<int64_t>(load(uint16_t{}, i))
                        : st.bytes == 1 ? static_cast<int64_t>(load(int8_t{}, i))
                                        : static_cast<int64_t>(load(int16_t{}, i));
      t.data<int32_t>()[i] = static_cast<int32_t>(v);
    } else {  // int64 from uint32 or uint64
      uint64_t v = st.bytes == 4 ? load(uint32_t{}, i) : load(uint64_t{}, i);
      if (v > static_cast<uint64_t>(INT64_MAX))
        throw IOError(cat(path, ": uint64 element ", i, " (", v, ") does not fit int64"));
      t.data<int64_t>()[i] = static_cast<int64_t>(v);
    }
  }
}

/// Fortran-ordered (first axis fastest) elements of `elem` bytes into C order, in place.
void fortran_to_c(std::vector<unsigned char>& data, const Shape& shape, size_t elem) {
  const size_t rank = static_cast<size_t>(shape.rank());
  if (rank < 2) return;
  std::vector<int64_t> stride(rank, 1);  // Fortran strides, in elements
  for (size_t k = 1; k < rank; ++k) stride[k] = stride[k - 1] * shape[k - 1];
  std::vector<unsigned char> out(data.size());
  std::vector<int64_t> index(rank, 0);
  const int64_t count = shape.num_elements();
  for (int64_t n = 0; n < count; ++n) {
    int64_t from = 0;
    for (size_t k = 0; k < rank; ++k) from += index[k] * stride[k];
    std::memcpy(out.data() + static_cast<size_t>(n) * elem, data.data() + static_cast<size_t>(from) * elem, elem);
    for (size_t k = rank; k-- > 0;) {  // the next C-order index
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
  data.swap(out);
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

/// The whole of a pipe, FIFO or character device (bounded): opened without blocking, so
/// a FIFO nobody writes to reads as empty instead of hanging, then read to its end.
std::string read_stream(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw IOError(cat("Cannot open ", path));
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw IOError(cat("Reading ", path, " failed"));
    }
    if (bytes.size() + static_cast<size_t>(n) > kMaxStreamBytes) {
      ::close(fd);
      throw IOError(cat(path, ": a stream of more than ", kMaxStreamBytes >> 20, " MiB; save it to a file first"));
    }
    bytes.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return bytes;
}

Tensor parse_npy(std::istream& in, uint64_t file_size, const std::string& path);

}  // namespace

Tensor load_npy(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw IOError(cat("Cannot open ", path));
  if (fs::is_directory(st)) throw IOError(cat(path, " is a directory, not a .npy file"));
  if (!fs::is_regular_file(st)) {  // standard input, a pipe, a FIFO: read it whole, then parse
    std::istringstream in(read_stream(path));
    return parse_npy(in, in.str().size(), path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IOError(cat("Cannot open ", path));
  return parse_npy(in, static_cast<uint64_t>(fs::file_size(path)), path);
}

namespace {

Tensor parse_npy(std::istream& in, uint64_t file_size, const std::string& path) {
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
  const uint64_t unicode_length = string_length(descr, 'U', path), bytes_length = string_length(descr, 'S', path);
  const bool is_string = unicode_length || bytes_length;
  const StoredType stored = is_string ? StoredType{} : stored_type(descr, path);
  const DType dtype = is_string ? DType::string : dtype_for(stored);
  const std::string order = header_value(header, "fortran_order", path);
  const bool fortran = order.rfind("True", 0) == 0;
  if (!fortran && order.rfind("False", 0) != 0) throw IOError(cat(path, ": malformed fortran_order in .npy header"));
  if (fortran && is_string) throw IOError(cat(path, ": Fortran-ordered string arrays are not supported"));
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
  if (dtype == DType::string)
    return read_string_array(in, shape, count, unicode_length ? unicode_length : bytes_length, unicode_length != 0,
                             file_size - data_offset, path);
  const uint64_t nbytes = count * stored.bytes;
  if (data_offset + nbytes > file_size)
    throw IOError(cat(path, ": .npy data is truncated (expects ", nbytes, " bytes of ", descr, " for shape ",
                      shape.to_string(), ")"));
  std::vector<unsigned char> data(static_cast<size_t>(nbytes));
  if (nbytes && !in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(nbytes)))
    throw IOError(cat(path, ": .npy data is truncated"));
  // As NumPy reads them: big-endian elements swapped, Fortran order made C order.
  if (stored.big_endian && stored.bytes > 1)
    for (size_t i = 0; i < data.size(); i += stored.bytes)
      std::reverse(data.begin() + i, data.begin() + i + stored.bytes);
  if (fortran) fortran_to_c(data, shape, stored.bytes);
  Tensor t = Tensor::empty(shape, dtype);
  if (data.empty()) return t;  // an empty array (memcpy from the null data() would be undefined)
  if (dtype_size(dtype) == stored.bytes && !(stored.kind == 'u' && stored.bytes == 8))
    std::memcpy(t.raw_data(), data.data(), data.size());
  else convert_elements(data.data(), stored, static_cast<int64_t>(count), t, path);
  return t;
}

}  // namespace

void save_npy(const std::string& path, const Tensor& tensor_in) {
  const Tensor tensor = tensor_in.to(Device::cpu());
  // Strings as '<U<n>' (UTF-32LE), n the longest element in code points, as numpy.
  std::vector<uint32_t> code_points;
  uint64_t string_length = 1;
  if (tensor.dtype() == DType::string) {
    std::vector<std::vector<uint32_t>> elements;
    const std::string* values = tensor.data<std::string>();
    for (int64_t i = 0; i < tensor.size(); ++i) {
      elements.push_back(utf8_code_points(values[i], i));
      string_length = std::max<uint64_t>(string_length, elements.back().size());
    }
    for (auto& e : elements) {
      e.resize(string_length, 0);
      code_points.insert(code_points.end(), e.begin(), e.end());
    }
  }
  const std::string descr =
      tensor.dtype() == DType::string ? "<U" + std::to_string(string_length) : descr_for(tensor.dtype());
  std::string shape = "(";
  for (size_t i = 0; i < tensor.shape().size(); ++i) shape += std::to_string(tensor.shape()[i]) + (tensor.rank() == 1 ? "," : i + 1 < tensor.shape().size() ? ", " : "");
  shape += ")";
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  const size_t total = 10 + header.size() + 1;
  header += std::string((64 - total % 64) % 64, ' ') + "\n";
  utils::write_file_atomically(path, [&](std::ostream& out) {
    out.write("\x93NUMPY\x01\x00", 8);
    const uint16_t len = static_cast<uint16_t>(header.size());
    const char lb[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
    out.write(lb, 2);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    if (tensor.dtype() != DType::string) {
      out.write(static_cast<const char*>(tensor.raw_data()), static_cast<std::streamsize>(tensor.nbytes()));
      return;
    }
    for (uint32_t c : code_points) {
      const char b[4] = {static_cast<char>(c & 0xff), static_cast<char>((c >> 8) & 0xff),
                         static_cast<char>((c >> 16) & 0xff), static_cast<char>(c >> 24)};
      out.write(b, 4);
    }
  });
}

}  // namespace keras
