// keras/utils/image_utils.h against keras/src/utils/image_utils.py: PNG and JPEG round
// trips, PIL's conversions and resampling worked by hand, smart_resize's crop, and
// corrupt, truncated and oversized files.
#include "keras/utils/image_utils.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "test_utils.h"

namespace keras {
namespace {

using testing::expect_error;

std::string scratch(const std::string& name) {
  const auto dir = std::filesystem::path(testing::temp_dir()) / "image_utils";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// An independent PNG writer (zlib + the chunk layout of the PNG spec), so the decoder is
// checked against files libpng did not write: rows of raw samples, filter type 0.
std::string chunk(const std::string& type, const std::string& data) {
  std::string out;
  auto be32 = [&](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xff));
  };
  be32(static_cast<uint32_t>(data.size()));
  out += type + data;
  uLong crc = crc32(0, reinterpret_cast<const Bytef*>(type.data()), static_cast<uInt>(type.size()));
  crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
  be32(static_cast<uint32_t>(crc));
  return out;
}

std::string raw_png(uint32_t width, uint32_t height, int bit_depth, int color_type, const std::string& rows_bytes) {
  std::string ihdr;
  for (uint32_t v : {width, height})
    for (int s = 24; s >= 0; s -= 8) ihdr.push_back(static_cast<char>((v >> s) & 0xff));
  ihdr += {static_cast<char>(bit_depth), static_cast<char>(color_type), 0, 0, 0};
  std::string compressed(compressBound(static_cast<uLong>(rows_bytes.size())), '\0');
  uLongf len = static_cast<uLongf>(compressed.size());
  compress(reinterpret_cast<Bytef*>(compressed.data()), &len, reinterpret_cast<const Bytef*>(rows_bytes.data()),
           static_cast<uLong>(rows_bytes.size()));
  compressed.resize(len);
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", compressed) + chunk("IEND", "");
}

Tensor u8_image(int64_t h, int64_t w, int64_t c, uint64_t seed) {
  return (testing::random_tensor({h, w, c}, seed, 0.0, 256.0)).astype(DType::int32).astype(DType::float32);
}

TEST(ImageUtils, PngRoundTripGreyRgbRgba) {
  for (int64_t c : {1, 3, 4}) {
    const Tensor x = u8_image(5, 7, c, static_cast<uint64_t>(c));
    const std::string path = scratch("round_" + std::to_string(c) + ".png");
    utils::save_img(path, x, {.scale = false});
    const std::string mode = c == 1 ? "grayscale" : c == 3 ? "rgb" : "rgba";
    const utils::Image img = utils::load_img(path, {.color_mode = mode});
    EXPECT_EQ(img.mode, c == 1 ? "L" : c == 3 ? "RGB" : "RGBA");
    EXPECT_EQ(img.pixels.dtype(), DType::uint8);
    const Tensor back = utils::img_to_array(img);
    EXPECT_EQ(back.shape(), (Shape{5, 7, c}));
    EXPECT_EQ(back.to_vector<float>(), x.to_vector<float>()) << "channels " << c;
  }
}

TEST(ImageUtils, ColourModeConversionsAsPil) {
  // One RGBA pixel (R, G, B, A) = (200, 100, 50, 7) in a PNG written by hand.
  const std::string png = raw_png(1, 1, 8, 6, std::string("\0\xc8\x64\x32\x07", 5));
  // PIL's L: (200 * 19595 + 100 * 38470 + 50 * 7471 + 0x8000) >> 16 = 124 (299/587/114 luma).
  EXPECT_EQ(utils::decode_img(png, {.color_mode = "grayscale"}).pixels.to_vector<int>(), (std::vector<int>{124}));
  EXPECT_EQ(utils::decode_img(png, {.color_mode = "rgb"}).pixels.to_vector<int>(), (std::vector<int>{200, 100, 50}));
  EXPECT_EQ(utils::decode_img(png, {.color_mode = "rgba"}).pixels.to_vector<int>(),
            (std::vector<int>{200, 100, 50, 7}));
  // Grey 8-bit: replicated into RGB, alpha 255 for RGBA.
  const std::string grey = raw_png(2, 1, 8, 0, std::string("\0\x10\xf0", 3));
  EXPECT_EQ(utils::decode_img(grey, {.color_mode = "rgba"}).pixels.to_vector<int>(),
            (std::vector<int>{16, 16, 16, 255, 240, 240, 240, 255}));
  // A palette PNG with a tRNS entry: colours from the palette, alpha from tRNS.
  std::string pal = raw_png(2, 1, 8, 3, std::string("\0\x00\x01", 3));
  const std::string plte = chunk("PLTE", std::string("\x0a\x14\x1e\x28\x32\x3c", 6));
  const std::string trns = chunk("tRNS", std::string("\x80", 1));
  pal.insert(pal.find("IDAT") - 4, plte + trns);
  EXPECT_EQ(utils::decode_img(pal, {.color_mode = "rgba"}).pixels.to_vector<int>(),
            (std::vector<int>{10, 20, 30, 128, 40, 50, 60, 255}));
}

TEST(ImageUtils, SixteenBitPng) {
  // Grey 16-bit samples 0x1234 and 0xfedc (big-endian in the file).
  const std::string png = raw_png(2, 1, 16, 0, std::string("\0\x12\x34\xfe\xdc", 5));
  const utils::Image grey = utils::decode_img(png, {.color_mode = "grayscale"});
  EXPECT_EQ(grey.mode, "I");  // PIL keeps 16-bit grey in grayscale mode
  EXPECT_EQ(grey.pixels.to_vector<int>(), (std::vector<int>{0x1234, 0xfedc}));
  EXPECT_EQ(utils::img_to_array(grey).to_vector<float>(), (std::vector<float>{4660.0f, 65244.0f}));
  // Other modes keep the high byte.
  EXPECT_EQ(utils::decode_img(png, {.color_mode = "rgb"}).pixels.to_vector<int>(),
            (std::vector<int>{0x12, 0x12, 0x12, 0xfe, 0xfe, 0xfe}));
  // 16-bit RGB: high bytes.
  const std::string rgb16 = raw_png(1, 1, 16, 2, std::string("\0\x01\x02\x03\x04\x05\x06", 7));
  EXPECT_EQ(utils::decode_img(rgb16).pixels.to_vector<int>(), (std::vector<int>{1, 3, 5}));
  // An "I" image (one channel above 255) is written as a 16-bit PNG and read back.
  const Tensor wide = Tensor::from_vector<float>({0, 300, 65535, 1000}, Shape{2, 2, 1});
  utils::save_img(scratch("wide.png"), wide, {.scale = false});
  EXPECT_EQ(utils::load_img(scratch("wide.png"), {.color_mode = "grayscale"}).pixels.to_vector<int>(),
            (std::vector<int>{0, 300, 65535, 1000}));
}

TEST(ImageUtils, JpegRoundTripWithinTolerance) {
  // A smooth gradient survives JPEG at quality 95 within a few levels.
  std::vector<float> v;
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 24; ++x) {
      v.push_back(static_cast<float>(x * 10));
      v.push_back(static_cast<float>(y * 15));
      v.push_back(128.0f);
    }
  const Tensor x = Tensor::from_vector(v, Shape{16, 24, 3});
  for (const std::string ext : {".jpg", ".jpeg"}) {
    const std::string path = scratch("smooth" + ext);
    utils::save_img(path, x, {.scale = false, .quality = 95});
    EXPECT_EQ(read_bytes(path).substr(0, 3), "\xff\xd8\xff");
    const Tensor back = utils::img_to_array(utils::load_img(path));
    ASSERT_EQ(back.shape(), (Shape{16, 24, 3}));
    const std::vector<float> b = back.to_vector<float>();
    double worst = 0, sum = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      worst = std::max(worst, std::abs(static_cast<double>(b[i] - v[i])));
      sum += std::abs(static_cast<double>(b[i] - v[i]));
    }
    EXPECT_LT(worst, 16.0);
    EXPECT_LT(sum / static_cast<double>(v.size()), 3.0);
  }
  // Grey JPEG; RGBA saved as JPEG drops the alpha.
  utils::save_img(scratch("grey.jpg"), Tensor::full({8, 8, 1}, 77.0), {.scale = false});
  const utils::Image g = utils::load_img(scratch("grey.jpg"), {.color_mode = "grayscale"});
  for (int p : g.pixels.to_vector<int>()) EXPECT_NEAR(p, 77, 1);
  utils::save_img(scratch("rgba.jpg"), Tensor::full({8, 8, 4}, 200.0), {.scale = false});
  EXPECT_EQ(utils::load_img(scratch("rgba.jpg"), {.color_mode = "rgba"}).channels(), 4);
}

TEST(ImageUtils, ResizeAsPil) {
  // 1x4 grey row [0, 10, 20, 30] to width 2. PIL's antialiased bilinear: the triangle
  // widened by the scale 2, sampled at the input centres: output 0 sits at 1.0, inputs
  // 0, 1, 2 are 0.25, 0.25, 0.75 scaled widths away: weights 0.75, 0.75, 0.25 -> 12.5 /
  // 1.75 = 7.14 -> 7; output 1: inputs 1, 2, 3 with 0.25, 0.75, 0.75 -> 40 / 1.75 = 22.9 -> 23.
  const std::string row = raw_png(4, 1, 8, 0, std::string("\0\x00\x0a\x14\x1e", 5));
  EXPECT_EQ(utils::decode_img(row, {.color_mode = "grayscale", .target_size = {{1, 2}}, .interpolation = "bilinear"})
                .pixels.to_vector<int>(),
            (std::vector<int>{7, 23}));
  // nearest: input floor((j + 0.5) * 2) = 1, 3.
  EXPECT_EQ(utils::decode_img(row, {.color_mode = "grayscale", .target_size = {{1, 2}}}).pixels.to_vector<int>(),
            (std::vector<int>{10, 30}));
  // Upsampling [0, 10] to 4 (half-pixel centres at -0.25, 0.25, 0.75, 1.25, edges clamped):
  // 0, 2.5, 7.5, 10, rounded half up as PIL does.
  const std::string two = raw_png(2, 1, 8, 0, std::string("\0\x00\x0a", 3));
  EXPECT_EQ(utils::decode_img(two, {.color_mode = "grayscale", .target_size = {{1, 4}}, .interpolation = "bilinear"})
                .pixels.to_vector<int>(),
            (std::vector<int>{0, 3, 8, 10}));
  // keep_aspect_ratio: a 4x6 image to 2x2 crops the centred 4x4 (columns 1..4) first
  // (crop_width = (4 * 2) // 2), then nearest picks rows 1, 3 and crop columns 1, 3.
  std::string rows;
  for (int y = 0; y < 4; ++y) {
    rows.push_back('\0');
    for (int x = 0; x < 6; ++x) rows.push_back(static_cast<char>(y * 10 + x));
  }
  const std::string grid = raw_png(6, 4, 8, 0, rows);
  EXPECT_EQ(utils::decode_img(grid, {.color_mode = "grayscale", .target_size = {{2, 2}}, .keep_aspect_ratio = true})
                .pixels.to_vector<int>(),
            (std::vector<int>{12, 14, 32, 34}));
  expect_error<ValueError>(
      [&] {
        utils::decode_img(grid, {.target_size = {{2, 2}}, .interpolation = "hamming"});
      },
      {"invalid interpolation method hamming", "nearest, bilinear, bicubic, lanczos"});
}

TEST(ImageUtils, SmartResizeCropsToAspectRatio) {
  // (4, 6, 1) to (2, 2): crop_height = int(6 * 2 / 2) -> min(4, 6) = 4, crop_width =
  // int(4 * 2 / 2) = 4, wstart = int((6 - 4) / 2) = 1: columns 1..4; then bilinear 4 -> 2
  // samples at 0.5 and 2.5 (mean of rows/columns 0-1 and 2-3).
  std::vector<float> v;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 6; ++x) v.push_back(static_cast<float>(y * 10 + x));
  const Tensor x = Tensor::from_vector(v, Shape{4, 6, 1});
  const Tensor y = utils::smart_resize(x, {2, 2});
  EXPECT_EQ(y.shape(), (Shape{2, 2, 1}));
  testing::expect_allclose(y, Tensor::from_vector<float>({6.5f, 8.5f, 26.5f, 28.5f}, Shape{2, 2, 1}), 1e-5, 0);
  // Batched and channels first give the same numbers.
  const Tensor cf = utils::smart_resize(x.reshape({1, 1, 4, 6}), {2, 2}, "bilinear", "channels_first");
  EXPECT_EQ(cf.shape(), (Shape{1, 1, 2, 2}));
  EXPECT_EQ(cf.to_vector<float>(), y.to_vector<float>());
  expect_error<ValueError>([&] { utils::smart_resize(x.reshape({24}), {2, 2}); }, {"incorrect rank", "(24,)"});
}

TEST(ImageUtils, ArrayToImgScalesAndTruncates) {
  // Keras: x - min, / max, * 255, then astype("uint8") truncates.
  const Tensor x = Tensor::from_vector<float>({-1.0f, 0.0f, 0.5f, 1.0f}, Shape{2, 2, 1});
  const utils::Image img = utils::array_to_img(x);
  EXPECT_EQ(img.mode, "L");
  EXPECT_EQ(img.pixels.to_vector<int>(), (std::vector<int>{0, 127, 191, 255}));  // 127.5 -> 127, 191.25 -> 191
  // Constant image: max after the shift is 0, so all zeros.
  EXPECT_EQ(utils::array_to_img(Tensor::full({1, 2, 3}, 5.0)).pixels.to_vector<int>(), std::vector<int>(6, 0));
  // Without scaling, one channel above 255 is an "I" image; three channels are clamped.
  EXPECT_EQ(utils::array_to_img(Tensor::from_vector<float>({0, 1000}, Shape{1, 2, 1}), "", false).mode, "I");
  EXPECT_EQ(utils::array_to_img(Tensor::from_vector<float>({-3, 300, 7.9f}, Shape{1, 1, 3}), "", false)
                .pixels.to_vector<int>(),
            (std::vector<int>{0, 255, 7}));
  // Channels first in and out.
  const Tensor cf = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, Shape{3, 1, 2});
  const utils::Image rgb = utils::array_to_img(cf, "channels_first", false);
  EXPECT_EQ(rgb.pixels.to_vector<int>(), (std::vector<int>{1, 3, 5, 2, 4, 6}));
  EXPECT_EQ(utils::img_to_array(rgb, "channels_first").to_vector<float>(), cf.to_vector<float>());
  expect_error<ValueError>(
      [] {
        utils::array_to_img(Tensor::zeros({2, 2}));
      },
      {"Expected image array to have rank 3", "(2, 2)"});
  expect_error<ValueError>([] { utils::array_to_img(Tensor::zeros({2, 2, 2})); }, {"Unsupported channel number: 2"});
  expect_error<ValueError>([] { utils::img_to_array(utils::Image{}, "channels_middle"); }, {"data_format"});
}

TEST(ImageUtils, SaveImgErrorsAndAtomicity) {
  const Tensor x = Tensor::full({2, 2, 3}, 9.0);
  expect_error<ValueError>([&] { utils::save_img(scratch("x.tiff"), x); }, {"unsupported file format", "tiff"});
  expect_error<ValueError>([&] { utils::save_img(scratch("noext"), x); }, {"no extension"});
  expect_error<ValueError>(
      [&] {
        utils::save_img(scratch("x.jpg"), Tensor::full({1, 1, 1}, 1000.0), {.scale = false});
      },
      {"cannot write mode I as JPEG"});
  // file_format overrides the extension; no temporary file is left behind.
  utils::save_img(scratch("forced.bin"), x, {.file_format = "png", .scale = false});
  EXPECT_EQ(read_bytes(scratch("forced.bin")).substr(1, 3), "PNG");
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(scratch("forced.bin")).parent_path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
}

TEST(ImageUtils, CorruptTruncatedAndOversizedFiles) {
  const Tensor x = u8_image(32, 32, 3, 5);
  utils::save_img(scratch("good.png"), x, {.scale = false});
  utils::save_img(scratch("good.jpg"), x, {.scale = false});
  const std::string png = read_bytes(scratch("good.png")), jpg = read_bytes(scratch("good.jpg"));

  write_bytes(scratch("trunc.png"), png.substr(0, png.size() / 2));
  expect_error<ValueError>([&] { utils::load_img(scratch("trunc.png")); },
                           {"load_img: cannot decode PNG file", "trunc.png"});
  write_bytes(scratch("trunc.jpg"), jpg.substr(0, jpg.size() / 2));
  expect_error<ValueError>([&] { utils::load_img(scratch("trunc.jpg")); },
                           {"load_img: cannot decode JPEG file", "trunc.jpg", "Premature end"});
  // A flipped byte inside the compressed data (zlib notices before the CRC is checked).
  std::string bad = png;
  bad[bad.find("IDAT") + 10] ^= 0x55;
  write_bytes(scratch("crc.png"), bad);
  expect_error<ValueError>([&] { utils::load_img(scratch("crc.png")); }, {"cannot decode PNG file", "crc.png", "IDAT"});
  // A wrong CRC on the header chunk (bytes 29..32: signature 8, length 4, type 4, data 13).
  bad = png;
  bad[29] ^= 0x01;
  write_bytes(scratch("ihdr.png"), bad);
  expect_error<ValueError>([&] { utils::load_img(scratch("ihdr.png")); }, {"ihdr.png", "IHDR: CRC error"});
  // JPEG with its entropy-coded data overwritten.
  std::string garbage = jpg;
  for (size_t i = garbage.size() / 2; i + 2 < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 7919 % 251);
  write_bytes(scratch("garbage.jpg"), garbage);
  expect_error<ValueError>([&] { utils::load_img(scratch("garbage.jpg")); }, {"garbage.jpg"});

  write_bytes(scratch("text.png"), "hello, this is not an image");
  expect_error<ValueError>([&] { utils::load_img(scratch("text.png")); }, {"text.png", "not a PNG or JPEG"});
  write_bytes(scratch("empty.png"), "");
  expect_error<ValueError>([&] { utils::load_img(scratch("empty.png")); }, {"empty.png", "is empty"});
  write_bytes(scratch("anim.gif"), "GIF89a....");
  expect_error<ValueError>([&] { utils::load_img(scratch("anim.gif")); }, {"anim.gif", "GIF", "only PNG and JPEG"});
  expect_error<IOError>([&] { utils::load_img(scratch("missing.png")); }, {"missing.png"});
  expect_error<ValueError>([&] { utils::load_img(scratch("good.png"), {.color_mode = "cmyk"}); },
                           {"color_mode", "cmyk"});

  // A header announcing 100000 x 100000 pixels is refused before any pixel is allocated.
  write_bytes(scratch("bomb.png"), raw_png(100000, 100000, 8, 0, std::string(1, '\0')));
  expect_error<ValueError>([&] { utils::load_img(scratch("bomb.png")); },
                           {"bomb.png", "100000x100000", "more than the limit of 178956970"});
  // The limit is a setting, as PIL's MAX_IMAGE_PIXELS.
  utils::set_max_image_pixels(1000);
  expect_error<ValueError>([&] { utils::load_img(scratch("good.jpg")); }, {"good.jpg", "32x32 = 1024 pixels"});
  expect_error<ValueError>([&] { utils::load_img(scratch("good.png")); }, {"good.png", "limit of 1000"});
  utils::set_max_image_pixels(178956970);
  expect_error<ValueError>([] { utils::set_max_image_pixels(0); }, {"positive"});
  EXPECT_EQ(utils::load_img(scratch("good.png")).height(), 32);
}

}  // namespace
}  // namespace keras
