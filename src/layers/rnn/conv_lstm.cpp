#include "keras/layers/rnn/conv_lstm.h"

#include <algorithm>
#include <cctype>

#include "keras/layers/layer_config.h"
#include "keras/layers/rnn/conv_lstm1d.h"
#include "keras/layers/rnn/conv_lstm2d.h"
#include "keras/layers/rnn/conv_lstm3d.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"
#include "layers/convolutional/conv_internal.h"
#include "layers/rnn/rnn_config.h"
#include "utils/names.h"

namespace keras::layers {

using conv_detail::tuple;
using keras::detail::cat;

namespace {

/// As Keras's ConvLSTMCell: padding and data_format lower-cased, the rates clipped to [0, 1].
template <size_t N>
ConvLSTMOptions<N> standardized(ConvLSTMOptions<N> o) {
  o.padding = utils::ascii_lower(o.padding);
  o.data_format = utils::ascii_lower(o.data_format);
  o.dropout = std::min(1.0, std::max(0.0, o.dropout));
  o.recurrent_dropout = std::min(1.0, std::max(0.0, o.recurrent_dropout));
  return o;
}

template <size_t N>
ConvLSTMCellConfig cell_config(int64_t filters, const SizeN<N>& kernel_size, const ConvLSTMOptions<N>& o) {
  return ConvLSTMCellConfig{.rank = static_cast<int>(N),
                            .filters = filters,
                            .kernel_size = kernel_size.vec(),
                            .strides = o.strides.vec(),
                            .dilation_rate = o.dilation_rate.vec(),
                            .padding = o.padding,
                            .data_format = o.data_format,
                            .activation = o.activation,
                            .recurrent_activation = o.recurrent_activation,
                            .use_bias = o.use_bias,
                            .kernel_initializer = o.kernel_initializer,
                            .recurrent_initializer = o.recurrent_initializer,
                            .bias_initializer = o.bias_initializer,
                            .unit_forget_bias = o.unit_forget_bias,
                            .kernel_regularizer = o.kernel_regularizer,
                            .recurrent_regularizer = o.recurrent_regularizer,
                            .bias_regularizer = o.bias_regularizer,
                            .kernel_constraint = o.kernel_constraint,
                            .recurrent_constraint = o.recurrent_constraint,
                            .bias_constraint = o.bias_constraint,
                            .dropout = o.dropout,
                            .recurrent_dropout = o.recurrent_dropout,
                            .seed = o.seed};
}

/// Keras applies a rate only when 0 < rate < 1.
double applied_rate(double rate) { return rate > 0.0 && rate < 1.0 ? rate : 0.0; }

/// `s` with its channel dim (index `axis`) times `factor`.
Shape scale_dim(Shape s, size_t axis, int64_t factor) {
  s[axis] *= factor;
  return s;
}

}  // namespace

// ---- ConvLSTMCell

ConvLSTMCell::ConvLSTMCell(ConvLSTMCellConfig c, const LayerArgs& args)
    : Concrete("ConvLSTMCell",
               RecurrentCellArgs{.units = c.filters,
                                 .dropout = applied_rate(c.dropout),
                                 .recurrent_dropout = applied_rate(c.recurrent_dropout),
                                 .seed = c.seed,
                                 .units_name = "filters"},
               args),
      config_(std::move(c)) {
  const auto& k = config_;
  if (k.rank < 1 || k.rank > 3)
    fail(cat("Rank ", k.rank, " convolutions are not currently implemented. Received: rank=", k.rank));
  if (auto e = conv_detail::window_args_error(k.rank, k.kernel_size, k.strides, k.dilation_rate); !e.empty()) fail(e);
  if (k.padding != "valid" && k.padding != "same")
    fail(cat("The `padding` argument must be one of \"valid\", \"same\". Received: padding=", k.padding));
  if (auto e = conv_detail::data_format_error(k.data_format); !e.empty()) fail(e);
}

std::vector<Shape> ConvLSTMCell::state_shapes(const Shape& step_input) const {
  if (step_input.rank() != step_input_rank())
    fail(cat("Expected a step input of rank ", step_input_rank(), "; got shape ", step_input.to_string()));
  const Shape in = channels_first() ? conv_detail::to_channels_last(step_input) : step_input;
  Shape out = ops::window_output_shape(in, config_.kernel_size, config_.strides, config_.dilation_rate, config_.padding,
                                       config_.filters);
  for (size_t d = 1; d + 1 < out.size(); ++d)
    if (out[d] != kNone && out[d] <= 0)
      fail(cat("Computed output size would be negative or zero for input shape ", step_input.to_string(),
               " with kernel_size=", tuple(config_.kernel_size), ", strides=", tuple(config_.strides),
               ", dilation_rate=", tuple(config_.dilation_rate), " and padding=\"", config_.padding, "\""));
  if (channels_first()) out = conv_detail::to_channels_first(out);
  return {out, out};
}

Shape ConvLSTMCell::output_shape(const Shape& step_input) const { return state_shapes(step_input)[0]; }

void ConvLSTMCell::build(const Shape& s) {
  if (s.rank() != step_input_rank())
    fail(cat("Expected a step input of rank ", step_input_rank(), "; got shape ", s.to_string()));
  const Shape spatial = channels_first() ? Shape(std::vector<int64_t>(s.begin() + 2, s.end()))
                                         : Shape(std::vector<int64_t>(s.begin() + 1, s.end() - 1));
  for (int64_t d : spatial)
    if (d == kNone)
      fail(
          cat("ConvLSTM layers only support static input shapes for the spatial dimension. Received invalid input "
              "shape: input_shape=",
              s.to_string()));
  const int64_t channels = s[channels_first() ? 1 : s.size() - 1];
  if (channels == kNone)
    fail(
        cat("The channel dimension of the inputs should be defined. Found None. Full input shape received: "
            "input_shape=",
            s.to_string()));
  state_shapes(s);  // the window must fit
  const int64_t f = config_.filters;
  Shape kshape(config_.kernel_size), rshape(config_.kernel_size);
  kshape.push_back(channels);
  kshape.push_back(4 * f);
  rshape.push_back(f);
  rshape.push_back(4 * f);
  kernel_ = add_weight("kernel", kshape, config_.kernel_initializer, true, config_.kernel_regularizer,
                       config_.kernel_constraint);
  recurrent_kernel_ = add_weight("recurrent_kernel", rshape, config_.recurrent_initializer, true,
                                 config_.recurrent_regularizer, config_.recurrent_constraint);
  if (config_.use_bias)
    bias_ = add_weight(
        "bias", Shape{4 * f},
        config_.unit_forget_bias ? forget_bias_initializer(config_.bias_initializer, f) : config_.bias_initializer,
        true, config_.bias_regularizer, config_.bias_constraint);
}

DropoutMasks ConvLSTMCell::dropout_masks(const Shape& step_input) {
  // Four masks (one per gate) side by side along the channels.
  const size_t axis = channels_first() ? 1 : step_input.size() - 1;
  DropoutMasks m;
  if (dropout() > 0)
    m.input = ops::dropout(Tensor::ones(scale_dim(step_input, axis, 4), compute_dtype(), device()), dropout(), {},
                           next_seed());
  if (recurrent_dropout() > 0)
    m.recurrent = ops::dropout(Tensor::ones(scale_dim(state_shapes(step_input)[0], axis, 4), compute_dtype(), device()),
                               recurrent_dropout(), {}, next_seed());
  return m;
}

Tensor ConvLSTMCell::drop_inputs(const Tensor& x, const DropoutMasks& masks) const {
  if (!masks.input.defined()) return x;
  const Tensor copies = ops::concatenate({x, x, x, x}, channel_axis(x.rank()));
  return ops::multiply(copies, x.rank() > masks.input.rank() ? ops::expand_dims(masks.input, 1) : masks.input);
}

Tensor ConvLSTMCell::project_inputs(const Tensor& x) const {
  // A sequence's steps go through the convolution as one batch.
  const Shape& s = x.shape();
  const bool sequence = x.rank() == config_.rank + 3;
  Tensor in = x;
  if (sequence) {
    Shape merged{s[0] * s[1]};
    for (size_t d = 2; d < s.size(); ++d) merged.push_back(s[d]);
    in = ops::reshape(x, merged);
  }
  if (channels_first()) in = conv_detail::to_channels_last(in);
  // Four masked copies (dropout) make four groups: each gate's kernel sees its own copy.
  Tensor z = ops::conv(in, kernel_, bias_.defined() ? bias_.value() : Tensor(), config_.strides, config_.padding,
                       config_.dilation_rate);
  if (sequence) {
    Shape back{s[0], s[1]};
    for (size_t d = 1; d < z.shape().size(); ++d) back.push_back(z.shape()[d]);
    z = ops::reshape(z, back);
  }
  return z;
}

TensorList ConvLSTMCell::step(const Tensor& projected, const TensorList& states, const DropoutMasks& masks) const {
  Tensor h = states[0], c = states[1];
  if (masks.recurrent.defined())
    h = ops::multiply(ops::concatenate({h, h, h, h}, channel_axis(h.rank())), masks.recurrent);
  if (channels_first()) {
    h = conv_detail::to_channels_last(h);
    c = conv_detail::to_channels_last(c);
  }
  const std::vector<int64_t> ones(static_cast<size_t>(config_.rank), 1);
  const Tensor z = ops::add(projected, ops::conv(h, recurrent_kernel_, Tensor(), ones, "same", ones));
  const int64_t f = config_.filters;
  const TensorList g = ops::split(z, {f, f, f, f}, -1);
  const auto& ra = config_.recurrent_activation;
  Tensor c_new = ops::add(ops::multiply(ra(g[1]), c), ops::multiply(ra(g[0]), config_.activation(g[2])));
  Tensor h_new = ops::multiply(ra(g[3]), config_.activation(c_new));
  if (channels_first()) {
    h_new = conv_detail::to_channels_first(h_new);
    c_new = conv_detail::to_channels_first(c_new);
  }
  return {h_new, h_new, c_new};
}

Config ConvLSTMCell::get_config() const {
  const auto& k = config_;
  Config c = Layer::get_config();
  c["filters"] = k.filters;
  c["kernel_size"] = k.kernel_size;
  c["strides"] = k.strides;
  c["padding"] = k.padding;
  c["data_format"] = k.data_format;
  c["dilation_rate"] = k.dilation_rate;
  c["activation"] = config_value(k.activation);
  c["recurrent_activation"] = config_value(k.recurrent_activation);
  c["use_bias"] = k.use_bias;
  c["kernel_initializer"] = config_value(k.kernel_initializer);
  c["recurrent_initializer"] = config_value(k.recurrent_initializer);
  c["bias_initializer"] = config_value(k.bias_initializer);
  c["unit_forget_bias"] = k.unit_forget_bias;
  c["kernel_regularizer"] = config_value(k.kernel_regularizer);
  c["recurrent_regularizer"] = config_value(k.recurrent_regularizer);
  c["bias_regularizer"] = config_value(k.bias_regularizer);
  c["kernel_constraint"] = config_value(k.kernel_constraint);
  c["recurrent_constraint"] = config_value(k.recurrent_constraint);
  c["bias_constraint"] = config_value(k.bias_constraint);
  c["dropout"] = k.dropout;
  c["recurrent_dropout"] = k.recurrent_dropout;
  c["seed"] = config_value(k.seed);
  return c;
}

// ---- ConvLSTM<N>

template <size_t N>
ConvLSTM<N>::ConvLSTM(std::string class_name, int64_t filters, SizeN<N> kernel_size, Options o)
    : RNN(std::move(class_name),
          std::make_shared<ConvLSTMCell>(cell_config(filters, kernel_size, standardized(o)),
                                         LayerArgs{.name = "conv_lstm_cell", .dtype = o.dtype}),
          rnn_options_of(o)),
      kernel_size_(kernel_size),
      options_(standardized(std::move(o))) {
  set_activity_regularizer(options_.activity_regularizer);
  input_spec_ = InputSpec{.ndim = static_cast<int64_t>(N) + 3};
}

template <size_t N>
void ConvLSTM<N>::build(const std::vector<Shape>& input_shapes) {
  RNN::build(input_shapes);
  const Shape& x = input_shapes.at(0);
  const bool cf = options_.data_format == "channels_first";
  input_spec_.axes = {{cf ? 2 : -1, x[cf ? 2 : x.size() - 1]}};
}

template <size_t N>
Config ConvLSTM<N>::get_config() const {
  // RNN's keys without "cell", then the cell's arguments flat (conv_lstm.py get_config).
  Config c = Layer::get_config();
  write_fields(c, rnn_options());
  c["filters"] = filters();
  c["kernel_size"] = config_value(kernel_size_);
  write_table(c, options_, Options::conv_fields(), this);
  return c;
}

template <class Leaf, size_t N>
std::shared_ptr<Layer> conv_lstm_from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<Leaf>(r.required<int64_t>("filters"), r.required<SizeN<N>>("kernel_size"),
                                read_rnn_options<ConvLSTMOptions<N>>(r));
}

template class ConvLSTM<1>;
template class ConvLSTM<2>;
template class ConvLSTM<3>;
template std::shared_ptr<Layer> conv_lstm_from_config<ConvLSTM1D, 1>(const Config&);
template std::shared_ptr<Layer> conv_lstm_from_config<ConvLSTM2D, 2>(const Config&);
template std::shared_ptr<Layer> conv_lstm_from_config<ConvLSTM3D, 3>(const Config&);

}  // namespace keras::layers
