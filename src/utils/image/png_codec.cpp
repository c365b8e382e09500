// PNG through libpng. libpng reports errors by calling our error function, which must not
// return; it longjmps back to the setjmp in run_guarded(), whose frame holds no C++
// object (all state lives in a Context owned by the caller), and the caller turns the
// saved message into a ValueError naming the file.
#include <png.h>

#include <csetjmp>
#include <cstring>

#include "keras/errors.h"
#include "utils/image/codec.h"

namespace keras::utils::image_detail {

using keras::detail::cat;

namespace {

struct Context {
  // reading
  const uint8_t* data = nullptr;
  size_t size = 0, pos = 0;
  int64_t max_pixels = 0;
  Decoded* out = nullptr;
  std::vector<png_bytep>* rows = nullptr;
  // writing
  std::string* sink = nullptr;
  int64_t height = 0, width = 0;
  int channels = 0;
  const uint8_t* u8 = nullptr;
  const uint16_t* u16 = nullptr;
  // both
  png_structp png = nullptr;
  png_infop info = nullptr;
  char message[256] = {};
  bool too_large = false;
};

Context& context_of(png_structp png) { return *static_cast<Context*>(png_get_error_ptr(png)); }

[[noreturn]] void on_error(png_structp png, png_const_charp message) {
  Context& c = context_of(png);
  std::snprintf(c.message, sizeof c.message, "%s", message ? message : "unknown libpng error");
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}

void read_bytes(png_structp png, png_bytep dst, size_t n) {
  auto& c = *static_cast<Context*>(png_get_io_ptr(png));
  if (n > c.size - c.pos) png_error(png, "the file is truncated");
  std::memcpy(dst, c.data + c.pos, n);
  c.pos += n;
}

void write_bytes(png_structp png, png_bytep src, size_t n) {
  auto& c = *static_cast<Context*>(png_get_io_ptr(png));
  bool failed = false;
  try {
    c.sink->append(reinterpret_cast<const char*>(src), n);
  } catch (...) {  // no exception may cross libpng's C frames
    failed = true;
  }
  if (failed) png_error(png, "out of memory");
}

void flush_nothing(png_structp) {}

// Returns false after a libpng error (message in c.message). No C++ objects are created
// in this frame; every allocation happens in the caller's objects reached through `c`.
bool read_guarded(Context* c) {
  if (setjmp(png_jmpbuf(c->png))) return false;
  png_structp png = c->png;
  png_infop info = c->info;
  png_set_read_fn(png, c, read_bytes);
  // libpng's own limits: dimensions and the memory one ancillary chunk may take.
  png_set_user_limits(png, 1u << 20, 1u << 20);
  png_set_chunk_malloc_max(png, 8u << 20);
  png_read_info(png, info);
  const png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
  if (static_cast<int64_t>(width) * static_cast<int64_t>(height) > c->max_pixels) {
    c->out->width = width;
    c->out->height = height;
    c->too_large = true;
    return false;
  }
  const int color_type = png_get_color_type(png, info), bit_depth = png_get_bit_depth(png, info);
  const bool has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (has_trns) png_set_tRNS_to_alpha(png);
  // 16-bit grey stays 16-bit (PIL's "I;16"); any other 16-bit image keeps its high byte.
  const bool keep16 = bit_depth == 16 && color_type == PNG_COLOR_TYPE_GRAY && !has_trns;
  if (bit_depth == 16 && !keep16) png_set_strip_16(png);
  if (keep16) png_set_swap(png);  // PNG is big-endian; we store native little-endian
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  const int channels = png_get_channels(png, info);
  const size_t rowbytes = png_get_rowbytes(png, info);
  const size_t sample_bytes = keep16 ? 2 : 1;
  if (channels < 1 || channels > 4 || rowbytes != static_cast<size_t>(width) * channels * sample_bytes)
    png_error(png, "unexpected row layout after conversion");
  c->out->height = height;
  c->out->width = width;
  c->out->channels = channels;
  const size_t count = static_cast<size_t>(width) * height * channels;
  uint8_t* base;
  if (keep16) {
    c->out->u16.resize(count);
    base = reinterpret_cast<uint8_t*>(c->out->u16.data());
  } else {
    c->out->u8.resize(count);
    base = c->out->u8.data();
  }
  c->rows->resize(height);
  for (png_uint_32 y = 0; y < height; ++y) (*c->rows)[y] = base + static_cast<size_t>(y) * rowbytes;
  png_read_image(png, c->rows->data());
  png_read_end(png, nullptr);
  return true;
}

bool write_guarded(Context* c) {
  if (setjmp(png_jmpbuf(c->png))) return false;
  png_structp png = c->png;
  png_infop info = c->info;
  png_set_write_fn(png, c, write_bytes, flush_nothing);
  const int color_type = c->channels == 1   ? PNG_COLOR_TYPE_GRAY
                         : c->channels == 3 ? PNG_COLOR_TYPE_RGB
                                            : PNG_COLOR_TYPE_RGB_ALPHA;
  const bool sixteen = c->u16 != nullptr;
  png_set_IHDR(png, info, static_cast<png_uint_32>(c->width), static_cast<png_uint_32>(c->height), sixteen ? 16 : 8,
               color_type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  if (sixteen) png_set_swap(png);
  const size_t row_samples = static_cast<size_t>(c->width) * c->channels;
  for (int64_t y = 0; y < c->height; ++y) {
    const void* row = sixteen ? static_cast<const void*>(c->u16 + y * row_samples)
                              : static_cast<const void*>(c->u8 + y * row_samples);
    png_write_row(png, static_cast<png_const_bytep>(row));
  }
  png_write_end(png, nullptr);
  return true;
}

}  // namespace

Decoded decode_png(std::string_view bytes, const std::string& name, int64_t max_pixels) {
  Decoded out;
  std::vector<png_bytep> rows;
  Context c;
  c.data = reinterpret_cast<const uint8_t*>(bytes.data());
  c.size = bytes.size();
  c.max_pixels = max_pixels;
  c.out = &out;
  c.rows = &rows;
  c.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &c, on_error, on_warning);
  if (!c.png) throw RuntimeError(cat("could not start libpng to read ", name));
  c.info = png_create_info_struct(c.png);
  if (!c.info) {
    png_destroy_read_struct(&c.png, nullptr, nullptr);
    throw RuntimeError(cat("could not start libpng to read ", name));
  }
  bool ok;
  try {
    ok = read_guarded(&c);
  } catch (...) {  // std::bad_alloc from the pixel buffers
    png_destroy_read_struct(&c.png, &c.info, nullptr);
    throw;
  }
  png_destroy_read_struct(&c.png, &c.info, nullptr);
  if (c.too_large)
    throw ValueError(cat("image ", name, " is ", out.width, "x", out.height, " = ", out.width * out.height,
                         " pixels, more than the limit of ", max_pixels,
                         " (max_image_pixels; raise it with set_max_image_pixels if the file is trusted)"));
  if (!ok) throw ValueError(cat("cannot decode PNG file ", name, ": ", c.message));
  return out;
}

std::string encode_png(int64_t height, int64_t width, int channels, const uint8_t* u8, const uint16_t* u16) {
  if (height <= 0 || width <= 0 || height > (1 << 24) || width > (1 << 24) ||
      (channels != 1 && channels != 3 && channels != 4) || (u16 && channels != 1))
    throw ValueError(cat("save_img: cannot write a PNG of ", height, "x", width, "x", channels));
  std::string sink;
  Context c;
  c.sink = &sink;
  c.height = height;
  c.width = width;
  c.channels = channels;
  c.u8 = u8;
  c.u16 = u16;
  c.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &c, on_error, on_warning);
  if (!c.png) throw RuntimeError("save_img: could not start libpng");
  c.info = png_create_info_struct(c.png);
  if (!c.info) {
    png_destroy_write_struct(&c.png, nullptr);
    throw RuntimeError("save_img: could not start libpng");
  }
  bool ok;
  try {
    ok = write_guarded(&c);
  } catch (...) {
    png_destroy_write_struct(&c.png, &c.info);
    throw;
  }
  png_destroy_write_struct(&c.png, &c.info);
  if (!ok) throw ValueError(cat("save_img: libpng failed to encode the image: ", c.message));
  return sink;
}

}  // namespace keras::utils::image_detail
