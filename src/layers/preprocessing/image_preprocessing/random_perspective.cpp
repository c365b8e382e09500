#include "keras/layers/preprocessing/image_preprocessing/random_perspective.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "keras/layers/layer_config.h"
#include "keras/ops/image.h"

namespace keras::layers {

using keras::detail::cat;

RandomPerspective::RandomPerspective(const FloatOrList& factor, RandomPerspectiveOptions o)
    : Concrete("RandomPerspective", layer_args_of(o), o.data_format, o.seed),
      factor_(factor_range(factor, 0.0, 1.0)),
      options_(std::move(o)) {
  if (!(options_.scale >= 0.0 && options_.scale <= 1.0))
    fail(cat("The `scale` argument should be a number in the range [0,1]. Received: scale=", options_.scale));
  check_choice("interpolation", options_.interpolation, kAugmentInterpolations);
}

std::vector<double> RandomPerspective::homography(const std::array<std::array<double, 2>, 4>& start,
                                                  const std::array<std::array<double, 2>, 4>& end) {
  // Rows: x_s = (a0 x + a1 y + a2) - c0 x x_s - c1 y x_s, and the same for y_s, with
  // (x, y) an end point; Gaussian elimination with partial pivoting.
  double m[8][9] = {};
  for (size_t i = 0; i < 4; ++i) {
    const double x = end[i][0], y = end[i][1], xs = start[i][0], ys = start[i][1];
    const double rx[9] = {x, y, 1, 0, 0, 0, -xs * x, -xs * y, xs};
    const double ry[9] = {0, 0, 0, x, y, 1, -ys * x, -ys * y, ys};
    std::copy(rx, rx + 9, m[i]);
    std::copy(ry, ry + 9, m[i + 4]);
  }
  for (int col = 0; col < 8; ++col) {
    int pivot = col;
    for (int r = col + 1; r < 8; ++r)
      if (std::abs(m[r][col]) > std::abs(m[pivot][col])) pivot = r;
    if (std::abs(m[pivot][col]) < 1e-12) return {};
    for (int k = 0; k < 9; ++k) std::swap(m[col][k], m[pivot][k]);
    for (int r = 0; r < 8; ++r) {
      if (r == col) continue;
      const double f = m[r][col] / m[col][col];
      for (int k = col; k < 9; ++k) m[r][k] -= f * m[col][k];
    }
  }
  std::vector<double> h(8);
  for (int i = 0; i < 8; ++i) h[static_cast<size_t>(i)] = m[i][8] / m[i][i];
  return h;
}

Tensor RandomPerspective::transform_images(const Tensor& images) {
  const int64_t batch = images.dim(0);
  const double w = static_cast<double>(images.dim(2) - 1), h = static_cast<double>(images.dim(1) - 1);
  const std::vector<double> p = draw(batch, factor_[0], factor_[1]), u = draw(batch);
  const std::vector<double> d = draw(batch * 8, -0.5 * options_.scale, 0.5 * options_.scale);
  const std::array<std::array<double, 2>, 4> start{{{0, 0}, {w, 0}, {0, h}, {w, h}}};
  std::vector<bool> apply;
  std::vector<float> transforms;
  for (int64_t b = 0; b < batch; ++b) {
    std::array<std::array<double, 2>, 4> end = start;
    for (size_t i = 0; i < 4; ++i)
      for (size_t j = 0; j < 2; ++j) end[i][j] += start[i][j] * d[static_cast<size_t>(b * 8) + 2 * i + j];
    std::vector<double> t = homography(start, end);
    apply.push_back(u[static_cast<size_t>(b)] < p[static_cast<size_t>(b)] && !t.empty());
    if (t.empty()) t = {1, 0, 0, 0, 1, 0, 0, 0};  // a one-pixel side: nothing to warp
    transforms.insert(transforms.end(), t.begin(), t.end());
  }
  if (std::find(apply.begin(), apply.end(), true) == apply.end()) return images;
  const Tensor warped =
      ops::image::affine_transform(images, Tensor::from_vector<float>(transforms, Shape{batch, 8}, images.device()),
                                   options_.interpolation, "constant", options_.fill_value);
  return select_images(apply, images, warped);
}

Config RandomPerspective::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["factor"] = config_value(FloatOrList{factor_[0], factor_[1]});
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> RandomPerspective::from_config(const Config& config) {
  return ConfigReader(config).make<RandomPerspective, FloatOrList>("factor", 1.0);
}

}  // namespace keras::layers
