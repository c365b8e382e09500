// CRC-32C (Castagnoli), the checksum TFRecord framing uses, and TensorFlow's masked form.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace keras::callbacks::tensorboard {

/// CRC-32C of `data` (reflected polynomial 0x82F63B78): "123456789" gives 0xE3069283.
uint32_t crc32c(std::string_view data);
/// TFRecord's masked CRC: ((crc >> 15) | (crc << 17)) + 0xa282ead8.
uint32_t masked_crc32c(std::string_view data);

}  // namespace keras::callbacks::tensorboard
