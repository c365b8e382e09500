#include "callbacks/tensorboard/proto.h"

#include <cstring>

namespace keras::callbacks::tensorboard {

void ProtoWriter::raw_varint(uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void ProtoWriter::raw_fixed(uint64_t bits, int nbytes) {  // little-endian
  for (int i = 0; i < nbytes; ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}

void ProtoWriter::tag(int field, int wire_type) {
  raw_varint((static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(wire_type));
}

void ProtoWriter::varint(int field, uint64_t value) {
  tag(field, 0);
  raw_varint(value);
}

void ProtoWriter::float64(int field, double value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  tag(field, 1);
  raw_fixed(bits, 8);
}

void ProtoWriter::float32(int field, float value) {
  uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  tag(field, 5);
  raw_fixed(bits, 4);
}

void ProtoWriter::bytes(int field, std::string_view value) {
  tag(field, 2);
  raw_varint(value.size());
  out_.append(value);
}

void ProtoWriter::packed_float64(int field, const std::vector<double>& values) {
  tag(field, 2);
  raw_varint(values.size() * 8);
  for (const double v : values) {
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    raw_fixed(bits, 8);
  }
}

}  // namespace keras::callbacks::tensorboard
