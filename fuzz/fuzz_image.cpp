// libFuzzer target: any bytes as a PNG or JPEG file (the first bytes pick the decoder;
// every other input is also tried as each format), decoded, converted and resized.
#include <string_view>

#include "keras/utils/image_utils.h"
#include "utils/image/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // 4 Mpixel cap: a hostile header must not make the fuzzer allocate gigabytes.
  keras::utils::set_max_image_pixels(int64_t{1} << 22);
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    keras::utils::decode_img(bytes, {.color_mode = "grayscale", .target_size = {{7, 5}}, .interpolation = "bilinear"},
                             "fuzz");
  } catch (const std::exception&) {}
  try {
    keras::utils::image_detail::decode_png(bytes, "fuzz", int64_t{1} << 22);
  } catch (const std::exception&) {}
  try {
    keras::utils::image_detail::decode_jpeg(bytes, "fuzz", int64_t{1} << 22);
  } catch (const std::exception&) {}
  return 0;
}
