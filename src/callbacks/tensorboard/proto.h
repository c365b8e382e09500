// A minimal protocol-buffer encoder: just the wire types the TensorBoard event messages use
// (varint, 64-bit, 32-bit, length-delimited), so no protobuf library is needed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keras::callbacks::tensorboard {

class ProtoWriter {
 public:
  void varint(int field, uint64_t value);
  void int64(int field, int64_t value) { varint(field, static_cast<uint64_t>(value)); }
  void float64(int field, double value);          // protobuf `double`
  void float32(int field, float value);           // protobuf `float`
  void bytes(int field, std::string_view value);  // string, bytes, or an embedded message
  void packed_float64(int field, const std::vector<double>& values);
  const std::string& str() const { return out_; }

 private:
  void tag(int field, int wire_type);
  void raw_varint(uint64_t value);
  void raw_fixed(uint64_t bits, int nbytes);
  std::string out_;
};

}  // namespace keras::callbacks::tensorboard
