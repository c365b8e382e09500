// keras/src/utils/image_utils.py: load_img, img_to_array, array_to_img, save_img,
// smart_resize. PIL's part (decoding, mode conversion, resampling) is done here with
// libpng and libjpeg-turbo (src/utils/image/).
#include "keras/utils/image_utils.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "keras/errors.h"
#include "keras/ops/core.h"
#include "keras/utils/file_utils.h"
#include "layers/preprocessing/image_preprocessing/resize_internal.h"
#include "utils/image/codec.h"
#include "utils/names.h"

namespace keras::utils {

using keras::detail::cat;

namespace {

std::atomic<int64_t> g_max_pixels{178956970};

std::string standard_data_format(const std::string& data_format, const char* fn) {
  if (data_format.empty() || data_format == "channels_last") return "channels_last";
  if (data_format == "channels_first") return data_format;
  throw ValueError(cat(fn, ": the `data_format` argument must be one of \"channels_first\", \"channels_last\". ",
                       "Received: data_format=", data_format));
}

}  // namespace

int64_t max_image_pixels() { return g_max_pixels.load(); }

void set_max_image_pixels(int64_t pixels) {
  if (pixels <= 0) throw ValueError(cat("set_max_image_pixels: expected a positive number. Received: ", pixels));
  g_max_pixels.store(pixels);
}

namespace image_detail {

std::string read_image_file(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw IOError(cat("cannot read ", path, ": ", ec.message()));
  // No valid PNG or JPEG of max_image_pixels() pixels needs more bytes than this.
  const uint64_t limit = static_cast<uint64_t>(max_image_pixels()) * 8 + (uint64_t{1} << 20);
  if (size > limit)
    throw ValueError(cat("", path, " is ", size, " bytes, more than an image of max_image_pixels() = ",
                         max_image_pixels(), " pixels can take"));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IOError(cat("cannot open ", path));
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (in.gcount() != static_cast<std::streamsize>(size)) throw IOError(cat("cannot read all of ", path));
  return bytes;
}

Decoded decode_any(std::string_view bytes, const std::string& name) {
  const std::string format = sniff_format(bytes);
  if (format == "png") return decode_png(bytes, name, max_image_pixels());
  if (format == "jpeg") return decode_jpeg(bytes, name, max_image_pixels());
  if (bytes.empty()) throw ValueError(cat("", name, " is empty"));
  if (!format.empty())
    throw ValueError(
        cat("", name, " is a ", format == "gif" ? "GIF" : "BMP", " image; only PNG and JPEG files can be decoded"));
  throw ValueError(cat("", name, " is not a PNG or JPEG image (unknown first bytes)"));
}

std::vector<uint8_t> to_channels(const Decoded& d, int channels) {
  const size_t n = static_cast<size_t>(d.height * d.width);
  std::vector<uint8_t> out(n * static_cast<size_t>(channels));
  const int in_c = d.channels;
  auto sample = [&](size_t i, int k) -> int {
    return d.sixteen_bit() ? d.u16[i * in_c + k] >> 8 : d.u8[i * in_c + static_cast<size_t>(k)];
  };
  for (size_t i = 0; i < n; ++i) {
    int r, g, b, a = 255;
    if (in_c <= 2) {
      r = g = b = sample(i, 0);
      if (in_c == 2) a = sample(i, 1);
    } else {
      r = sample(i, 0), g = sample(i, 1), b = sample(i, 2);
      if (in_c == 4) a = sample(i, 3);
    }
    uint8_t* o = out.data() + i * static_cast<size_t>(channels);
    if (channels == 1) {
      // PIL's L = R 299/1000 + G 587/1000 + B 114/1000 in 16-bit fixed point (grey stays).
      o[0] = static_cast<uint8_t>(in_c <= 2 ? r : (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
    } else {
      o[0] = static_cast<uint8_t>(r), o[1] = static_cast<uint8_t>(g), o[2] = static_cast<uint8_t>(b);
      if (channels == 4) o[3] = static_cast<uint8_t>(a);
    }
  }
  return out;
}

int channels_of_color_mode(const std::string& color_mode, const char* fn) {
  if (color_mode == "grayscale") return 1;
  if (color_mode == "rgb") return 3;
  if (color_mode == "rgba") return 4;
  throw ValueError(
      cat(fn, ": color_mode must be \"grayscale\", \"rgb\", or \"rgba\". Received: color_mode=", color_mode));
}

}  // namespace image_detail

namespace {

using namespace image_detail;

// PIL's resample names to the weights of keras::ops::image::resize_weights.
std::pair<std::string, bool> pil_filter(const std::string& interpolation) {
  if (interpolation == "nearest") return {"nearest", false};
  if (interpolation == "bilinear") return {"bilinear", true};
  if (interpolation == "bicubic") return {"bicubic", true};
  if (interpolation == "lanczos") return {"lanczos3", true};
  if (interpolation == "area") return {"area", false};
  throw ValueError(cat("load_img: invalid interpolation method ", interpolation,
                       " specified. Supported methods are nearest, bilinear, bicubic, lanczos, area"));
}

}  // namespace

Image decode_img(std::string_view bytes, const LoadImgOptions& o, const std::string& name) {
  const int channels = channels_of_color_mode(o.color_mode, "load_img");
  if (o.target_size && ((*o.target_size)[0] <= 0 || (*o.target_size)[1] <= 0))
    throw ValueError(cat("load_img: target_size must be two positive integers (height, width). Received: (",
                         (*o.target_size)[0], ", ", (*o.target_size)[1], ")"));
  if (o.target_size) pil_filter(o.interpolation);  // validate before decoding, as Keras fails either way
  Decoded d;
  try {
    d = decode_any(bytes, name);
  } catch (const ValueError& e) {
    throw ValueError(cat("load_img: ", e.what()));
  }
  const bool sixteen = channels == 1 && d.sixteen_bit();  // PIL keeps "I;16" in grayscale mode
  std::vector<uint8_t> u8;
  if (!sixteen) u8 = to_channels(d, channels);
  int64_t h = d.height, w = d.width;
  Image img;
  img.mode = sixteen ? "I" : channels == 1 ? "L" : channels == 3 ? "RGB" : "RGBA";
  if (o.target_size && ((*o.target_size)[0] != h || (*o.target_size)[1] != w)) {
    const auto [filter, antialias] = pil_filter(o.interpolation);
    const int64_t th = (*o.target_size)[0], tw = (*o.target_size)[1];
    // keep_aspect_ratio: Keras's centred crop box, in integers, before resizing.
    int64_t top = 0, left = 0, ch = h, cw = w;
    if (o.keep_aspect_ratio) {
      ch = std::min(h, (w * th) / tw);
      cw = std::min(w, (h * tw) / th);
      top = (h - ch) / 2;
      left = (w - cw) / 2;
      ch = std::max<int64_t>(ch, 1);
      cw = std::max<int64_t>(cw, 1);
    }
    std::vector<float> f(static_cast<size_t>(ch * cw * channels));
    for (int64_t y = 0; y < ch; ++y)
      for (int64_t x = 0; x < cw; ++x)
        for (int k = 0; k < channels; ++k) {
          const size_t src = static_cast<size_t>(((top + y) * w + left + x) * channels + k);
          f[static_cast<size_t>((y * cw + x) * channels + k)] = sixteen ? d.u16[src] : u8[src];
        }
    std::vector<float> r = resize_hwc(f, ch, cw, channels, th, tw, filter, antialias);
    const double top_value = sixteen ? 65535.0 : 255.0;
    if (sixteen) {
      std::vector<int32_t> v(r.size());
      for (size_t i = 0; i < r.size(); ++i)
        v[i] = static_cast<int32_t>(std::clamp(std::floor(static_cast<double>(r[i]) + 0.5), 0.0, top_value));
      img.pixels = Tensor::from_vector(v, Shape{th, tw, 1});
    } else {
      std::vector<uint8_t> v(r.size());
      for (size_t i = 0; i < r.size(); ++i)
        v[i] = static_cast<uint8_t>(std::clamp(std::floor(static_cast<double>(r[i]) + 0.5), 0.0, top_value));
      img.pixels = Tensor::from_vector(v, Shape{th, tw, channels});
    }
    return img;
  }
  if (sixteen) img.pixels = Tensor::from_vector(std::vector<int32_t>(d.u16.begin(), d.u16.end()), Shape{h, w, 1});
  else img.pixels = Tensor::from_vector(u8, Shape{h, w, channels});
  return img;
}

Image load_img(const std::string& path, const LoadImgOptions& options) {
  channels_of_color_mode(options.color_mode, "load_img");
  std::string bytes;
  try {
    bytes = read_image_file(path);
  } catch (const IOError& e) {
    throw IOError(cat("load_img: ", e.what()));
  } catch (const ValueError& e) {
    throw ValueError(cat("load_img: ", e.what()));
  }
  return decode_img(bytes, options, path);
}

Tensor img_to_array(const Image& img, const std::string& data_format, DType dtype) {
  const std::string df = standard_data_format(data_format, "img_to_array");
  if (!img.pixels.defined() || img.pixels.rank() != 3)
    throw ValueError(cat("img_to_array: unsupported image shape: ",
                         img.pixels.defined() ? img.pixels.shape().to_string() : "(undefined)"));
  Tensor x = img.pixels.astype(dtype);
  if (df == "channels_first") x = ops::transpose(x, {2, 0, 1});
  return x;
}

Image array_to_img(const Tensor& x_in, const std::string& data_format, bool scale) {
  const std::string df = standard_data_format(data_format, "array_to_img");
  if (!x_in.defined() || x_in.rank() != 3)
    throw ValueError(cat("Expected image array to have rank 3 (single image). Got array with shape: ",
                         x_in.defined() ? x_in.shape().to_string() : "(undefined)"));
  Tensor x = x_in;
  if (df == "channels_first") x = ops::transpose(x, {1, 2, 0});
  const int64_t h = x.dim(0), w = x.dim(1), c = x.dim(2);
  if (c != 1 && c != 3 && c != 4) throw ValueError(cat("array_to_img: Unsupported channel number: ", c));
  // Keras computes in floatx (float32): x - min, / max, * 255.
  std::vector<float> v = x.to_vector<float>();
  for (float f : v)
    if (!std::isfinite(f)) throw ValueError("array_to_img: the array holds NaN or infinite values");
  if (scale && !v.empty()) {
    const float lo = *std::min_element(v.begin(), v.end());
    for (float& f : v) f -= lo;
    const float hi = *std::max_element(v.begin(), v.end());
    for (float& f : v) f = (hi != 0.0f ? f / hi : f) * 255.0f;
  }
  Image img;
  const bool wide = c == 1 && !v.empty() && *std::max_element(v.begin(), v.end()) > 255.0f;
  if (wide) {
    std::vector<int32_t> out(v.size());
    for (size_t i = 0; i < v.size(); ++i)
      out[i] = static_cast<int32_t>(std::clamp(static_cast<double>(v[i]), -2147483648.0, 2147483647.0));
    img.pixels = Tensor::from_vector(out, Shape{h, w, 1});
    img.mode = "I";
    return img;
  }
  std::vector<uint8_t> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<uint8_t>(std::clamp(v[i], 0.0f, 255.0f));
  img.pixels = Tensor::from_vector(out, Shape{h, w, c});
  img.mode = c == 1 ? "L" : c == 3 ? "RGB" : "RGBA";
  return img;
}

std::string encode_img(const Image& img, const std::string& file_format_in, int quality) {
  std::string file_format = ascii_lower(file_format_in);
  if (file_format == "jpg") file_format = "jpeg";
  if (file_format != "png" && file_format != "jpeg")
    throw ValueError(cat("save_img: unsupported file format \"", file_format_in, "\"; expected \"png\" or \"jpeg\""));
  if (!img.pixels.defined() || img.pixels.rank() != 3)
    throw ValueError("save_img: the image must hold (height, width, channels) pixels");
  const int64_t h = img.height(), w = img.width();
  int64_t c = img.channels();
  if (img.mode == "I") {
    if (file_format == "jpeg") throw ValueError("save_img: cannot write mode I as JPEG");
    std::vector<uint16_t> v(static_cast<size_t>(h * w));
    const std::vector<int64_t> src = img.pixels.to_vector<int64_t>();
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint16_t>(std::clamp<int64_t>(src[i], 0, 65535));
    return encode_png(h, w, 1, nullptr, v.data());
  }
  std::vector<uint8_t> px = img.pixels.astype(DType::uint8).to_vector<uint8_t>();
  if (file_format == "png") return encode_png(h, w, static_cast<int>(c), px.data(), nullptr);
  if (c == 4) {
    std::cerr << "save_img: warning: the JPEG format does not support RGBA images, converting to RGB.\n";
    std::vector<uint8_t> rgb(static_cast<size_t>(h * w * 3));
    for (size_t i = 0; i < static_cast<size_t>(h * w); ++i)
      for (int k = 0; k < 3; ++k) rgb[i * 3 + k] = px[i * 4 + k];
    px.swap(rgb);
    c = 3;
  }
  return encode_jpeg(h, w, static_cast<int>(c), px.data(), quality);
}

void save_img(const std::string& path, const Tensor& x, const SaveImgOptions& o) {
  std::string file_format = o.file_format;
  if (file_format.empty()) {
    file_format = std::filesystem::path(path).extension().string();
    if (!file_format.empty()) file_format = file_format.substr(1);
    if (file_format.empty())
      throw ValueError(cat("save_img: cannot tell the file format of \"", path,
                           "\" (no extension); pass file_format \"png\" or \"jpeg\""));
  }
  const std::string bytes = encode_img(array_to_img(x, o.data_format, o.scale), file_format, o.quality);
  write_file_atomically(
      path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

Tensor smart_resize(const Tensor& x, std::array<int64_t, 2> size, const std::string& interpolation,
                    const std::string& data_format) {
  const std::string df = standard_data_format(data_format, "smart_resize");
  if (size[0] <= 0 || size[1] <= 0)
    throw ValueError(cat("smart_resize: expected `size` to be a tuple of 2 positive integers, but got: (", size[0],
                         ", ", size[1], ")"));
  if (!x.defined() || (x.rank() != 3 && x.rank() != 4))
    throw ValueError(cat("Expected an image array with shape `(height, width, channels)`, or `(batch_size, height, ",
                         "width, channels)`, but got input with incorrect rank, of shape ",
                         x.defined() ? x.shape().to_string() : "(undefined)", "."));
  return layers::detail::on_nhwc(x, df == "channels_first", [&](const Tensor& nhwc) {
    return layers::detail::smart_resize(nhwc, size[0], size[1], interpolation);
  });
}

}  // namespace keras::utils
