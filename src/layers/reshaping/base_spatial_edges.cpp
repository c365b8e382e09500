#include "keras/layers/reshaping/base_spatial_edges.h"

#include "keras/layers/layer_config.h"
#include "keras/layers/reshaping/cropping1d.h"
#include "keras/layers/reshaping/cropping2d.h"
#include "keras/layers/reshaping/cropping3d.h"
#include "keras/layers/reshaping/zero_padding1d.h"
#include "keras/layers/reshaping/zero_padding2d.h"
#include "keras/layers/reshaping/zero_padding3d.h"
#include "keras/ops/core.h"

namespace keras::layers {

BaseSpatialEdges::BaseSpatialEdges(std::string class_name, bool pad, Sides sides, std::string data_format,
                                   const LayerArgs& args)
    : Layer(std::move(class_name), args), pad_(pad), sides_(std::move(sides)), data_format_(std::move(data_format)) {
  const char* key = pad_ ? "padding" : "cropping";
  for (const auto& s : sides_)
    if (s[0] < 0 || s[1] < 0) fail(detail::cat("`", key, "` must be >= 0 on every side; got (", s[0], ", ", s[1], ")"));
  if (!data_format_.empty() && data_format_ != "channels_last" && data_format_ != "channels_first")
    fail("`data_format` must be \"channels_last\" or \"channels_first\"; got \"" + data_format_ + "\"");
  input_spec_.ndim = static_cast<int64_t>(sides_.size()) + 2;
}

Shape BaseSpatialEdges::compute_output_shape(const Shape& s) {
  if (s.rank() != static_cast<int64_t>(sides_.size()) + 2)
    fail(detail::cat("expected an input of rank ", sides_.size() + 2, " (batch, spatial..., channels); got shape ",
                     s.to_string()));
  Shape out = s;
  const size_t first = channels_first() ? 2 : 1;
  for (size_t i = 0; i < sides_.size(); ++i) {
    int64_t& d = out[first + i];
    if (d == kNone) continue;
    const int64_t edges = sides_[i][0] + sides_[i][1];
    if (!pad_ && edges >= d)
      fail(detail::cat("`cropping` (", sides_[i][0], ", ", sides_[i][1], ") leaves nothing of spatial axis ", i,
                       " (length ", d, ") of input shape ", s.to_string()));
    d = pad_ ? d + edges : d - edges;
  }
  return out;
}

Tensor BaseSpatialEdges::call(const Tensor& x, const CallContext&) {
  const Shape out_shape = compute_output_shape(x.shape());  // checks the cropping against the input
  const size_t first = channels_first() ? 2 : 1;
  if (pad_) {
    std::vector<std::array<int64_t, 2>> width(static_cast<size_t>(x.rank()), std::array<int64_t, 2>{0, 0});
    for (size_t i = 0; i < sides_.size(); ++i) width[first + i] = sides_[i];
    return ops::pad(x, width);
  }
  std::vector<int64_t> start(static_cast<size_t>(x.rank()), 0);
  for (size_t i = 0; i < sides_.size(); ++i) start[first + i] = sides_[i][0];
  return ops::slice(x, start, out_shape.dims());
}

Config BaseSpatialEdges::get_config() const {
  Config c = Layer::get_config();
  const char* key = pad_ ? "padding" : "cropping";
  // Keras writes [before, after] for one axis and [[before, after], ...] for more.
  if (sides_.size() == 1) {
    c[key] = std::vector<int64_t>{sides_[0][0], sides_[0][1]};
  } else {
    Config list = Config::array();
    for (const auto& s : sides_) list.push_back(std::vector<int64_t>{s[0], s[1]});
    c[key] = list;
  }
  if (!data_format_.empty()) c["data_format"] = data_format_;
  return c;
}

template <class Derived, size_t N, bool kPad>
std::shared_ptr<Layer> SpatialEdgesLayer<Derived, N, kPad>::from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<Derived>(r.get<SidesN<N>>(kPad ? "padding" : "cropping", Derived::default_sides()),
                                   r.options<Options>());
}

template class SpatialEdgesLayer<ZeroPadding1D, 1, true>;
template class SpatialEdgesLayer<ZeroPadding2D, 2, true>;
template class SpatialEdgesLayer<ZeroPadding3D, 3, true>;
template class SpatialEdgesLayer<Cropping1D, 1, false>;
template class SpatialEdgesLayer<Cropping2D, 2, false>;
template class SpatialEdgesLayer<Cropping3D, 3, false>;

}  // namespace keras::layers
