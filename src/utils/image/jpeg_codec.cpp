// JPEG through libjpeg-turbo. libjpeg's error_exit must not return: ours saves the
// message and longjmps back to the setjmp in the *_guarded function, whose frame holds
// no C++ object (all state lives in a Context owned by the caller); the caller turns
// the message into a ValueError naming the file. The warnings that mean the pixels are
// garbage (truncated file, corrupt entropy data) are errors too, as in PIL.
#include <csetjmp>
#include <cstdio>  // before jpeglib.h, which needs FILE and size_t
#include <cstdlib>

// clang-format off
#include <jpeglib.h>
#include <jerror.h>
// clang-format on

#include "keras/errors.h"
#include "utils/image/codec.h"

namespace keras::utils::image_detail {

using keras::detail::cat;

namespace {

// A hostile progressive JPEG can hold thousands of tiny scans, each costing a pass over
// the coefficients; libjpeg-turbo's own fuzzers stop at 500.
constexpr int kMaxScans = 500;

struct ErrorManager {
  jpeg_error_mgr base;  // first member: libjpeg hands us a jpeg_error_mgr*
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void on_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void on_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  const int code = cinfo->err->msg_code;
  if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || code == JWRN_HUFF_BAD_CODE || code == JWRN_MUST_RESYNC)
    on_error(cinfo);
  cinfo->err->num_warnings++;
}

void on_progress(j_common_ptr cinfo) {
  if (cinfo->is_decompressor && reinterpret_cast<j_decompress_ptr>(cinfo)->input_scan_number > kMaxScans) {
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    std::snprintf(err->message, sizeof err->message, "more than %d progressive scans", kMaxScans);
    std::longjmp(err->jump, 1);
  }
}

struct DecodeContext {
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  jpeg_progress_mgr progress;
  const unsigned char* data = nullptr;
  unsigned long size = 0;  // NOLINT(runtime/int): libjpeg's type
  int64_t max_pixels = 0;
  Decoded* out = nullptr;
  std::vector<uint8_t>* cmyk = nullptr;
  bool created = false, too_large = false, adobe_cmyk = false;
};

bool decode_guarded(DecodeContext* c) {
  if (setjmp(c->err.jump)) return false;
  j_decompress_ptr cinfo = &c->cinfo;
  jpeg_create_decompress(cinfo);
  c->created = true;
  cinfo->progress = &c->progress;
  jpeg_mem_src(cinfo, c->data, c->size);
  jpeg_read_header(cinfo, TRUE);
  if (static_cast<int64_t>(cinfo->image_width) * static_cast<int64_t>(cinfo->image_height) > c->max_pixels) {
    c->out->width = cinfo->image_width;
    c->out->height = cinfo->image_height;
    c->too_large = true;
    return false;
  }
  // ISLOW is libjpeg's default and PIL's: the accurate integer DCT.
  cinfo->dct_method = JDCT_ISLOW;
  const bool cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
  if (cmyk) {
    cinfo->out_color_space = JCS_CMYK;  // libjpeg cannot give RGB from CMYK; converted below
    c->adobe_cmyk = cinfo->saw_Adobe_marker;
  } else if (cinfo->num_components == 1) {
    cinfo->out_color_space = JCS_GRAYSCALE;
  } else {
    cinfo->out_color_space = JCS_RGB;
  }
  jpeg_start_decompress(cinfo);
  const int components = cinfo->output_components;
  if ((cmyk && components != 4) || (!cmyk && components != 1 && components != 3)) {
    std::snprintf(c->err.message, sizeof c->err.message, "unexpected number of colour components: %d", components);
    return false;
  }
  c->out->height = cinfo->output_height;
  c->out->width = cinfo->output_width;
  c->out->channels = cmyk ? 3 : components;
  std::vector<uint8_t>& buffer = cmyk ? *c->cmyk : c->out->u8;
  const size_t row_bytes = static_cast<size_t>(cinfo->output_width) * components;
  buffer.resize(row_bytes * cinfo->output_height);
  while (cinfo->output_scanline < cinfo->output_height) {
    JSAMPROW row = buffer.data() + static_cast<size_t>(cinfo->output_scanline) * row_bytes;
    jpeg_read_scanlines(cinfo, &row, 1);
  }
  jpeg_finish_decompress(cinfo);
  return true;
}

struct EncodeContext {
  jpeg_compress_struct cinfo;
  ErrorManager err;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;  // NOLINT(runtime/int): libjpeg's type
  int64_t height = 0, width = 0;
  int channels = 0, quality = 75;
  const uint8_t* pixels = nullptr;
  bool created = false;
};

bool encode_guarded(EncodeContext* c) {
  if (setjmp(c->err.jump)) return false;
  j_compress_ptr cinfo = &c->cinfo;
  jpeg_create_compress(cinfo);
  c->created = true;
  jpeg_mem_dest(cinfo, &c->buffer, &c->size);
  cinfo->image_width = static_cast<JDIMENSION>(c->width);
  cinfo->image_height = static_cast<JDIMENSION>(c->height);
  cinfo->input_components = c->channels;
  cinfo->in_color_space = c->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(cinfo);  // 4:2:0 chroma subsampling, as PIL's default
  jpeg_set_quality(cinfo, c->quality, TRUE);
  jpeg_start_compress(cinfo, TRUE);
  const size_t row_bytes = static_cast<size_t>(c->width) * c->channels;
  while (cinfo->next_scanline < cinfo->image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(c->pixels + static_cast<size_t>(cinfo->next_scanline) * row_bytes);
    jpeg_write_scanlines(cinfo, &row, 1);
  }
  jpeg_finish_compress(cinfo);
  return true;
}

}  // namespace

Decoded decode_jpeg(std::string_view bytes, const std::string& name, int64_t max_pixels) {
  Decoded out;
  std::vector<uint8_t> cmyk;
  DecodeContext c;
  c.cinfo.err = jpeg_std_error(&c.err.base);
  c.err.base.error_exit = on_error;
  c.err.base.emit_message = on_message;
  c.err.message[0] = '\0';
  c.progress.progress_monitor = on_progress;
  c.data = reinterpret_cast<const unsigned char*>(bytes.data());
  c.size = static_cast<unsigned long>(bytes.size());  // NOLINT(runtime/int)
  c.max_pixels = max_pixels;
  c.out = &out;
  c.cmyk = &cmyk;
  bool ok;
  try {
    ok = decode_guarded(&c);
  } catch (...) {  // std::bad_alloc from the pixel buffer
    if (c.created) jpeg_destroy_decompress(&c.cinfo);
    throw;
  }
  if (c.created) jpeg_destroy_decompress(&c.cinfo);
  if (c.too_large)
    throw ValueError(cat("image ", name, " is ", out.width, "x", out.height, " = ", out.width * out.height,
                         " pixels, more than the limit of ", max_pixels,
                         " (max_image_pixels; raise it with set_max_image_pixels if the file is trusted)"));
  if (!ok) throw ValueError(cat("cannot decode JPEG file ", name, ": ", c.err.message));
  if (!cmyk.empty()) {
    // Adobe writes CMYK inverted (0 = full ink); either way R = (1 - C)(1 - K) in 0..255.
    const size_t n = static_cast<size_t>(out.width * out.height);
    out.u8.resize(n * 3);
    for (size_t i = 0; i < n; ++i) {
      int ink[4];
      for (int k = 0; k < 4; ++k) ink[k] = c.adobe_cmyk ? cmyk[i * 4 + k] : 255 - cmyk[i * 4 + k];
      for (int k = 0; k < 3; ++k) out.u8[i * 3 + k] = static_cast<uint8_t>((ink[k] * ink[3] + 127) / 255);
    }
  }
  return out;
}

std::string encode_jpeg(int64_t height, int64_t width, int channels, const uint8_t* u8, int quality) {
  if (height <= 0 || width <= 0 || height > 65500 || width > 65500 || (channels != 1 && channels != 3))
    throw ValueError(cat("save_img: cannot write a JPEG of ", height, "x", width, "x", channels,
                         " (at most 65500 pixels a side, 1 or 3 channels)"));
  if (quality < 1 || quality > 100)
    throw ValueError(cat("save_img: JPEG quality must be in 1..100. Received: quality=", quality));
  EncodeContext c;
  c.cinfo.err = jpeg_std_error(&c.err.base);
  c.err.base.error_exit = on_error;
  c.err.message[0] = '\0';
  c.height = height;
  c.width = width;
  c.channels = channels;
  c.quality = quality;
  c.pixels = u8;
  const bool ok = encode_guarded(&c);
  if (c.created) jpeg_destroy_compress(&c.cinfo);
  std::string result;
  if (ok) result.assign(reinterpret_cast<const char*>(c.buffer), c.size);
  std::free(c.buffer);  // jpeg_mem_dest's buffer is malloc'd and outlives the struct
  if (!ok) throw ValueError(cat("save_img: libjpeg failed to encode the image: ", c.err.message));
  return result;
}

std::string sniff_format(std::string_view b) {
  auto starts = [&](std::string_view p) { return b.size() >= p.size() && b.substr(0, p.size()) == p; };
  if (starts("\x89PNG\r\n\x1a\n")) return "png";
  if (starts("\xff\xd8\xff")) return "jpeg";
  if (starts("GIF87a") || starts("GIF89a")) return "gif";
  if (starts("BM")) return "bmp";
  return "";
}

}  // namespace keras::utils::image_detail
