#include "keras/layers/core/einsum_dense.h"

#include <regex>

#include "keras/layers/layer_config.h"
#include "keras/ops/einsum.h"
#include "keras/ops/math.h"

namespace keras::layers {

using keras::detail::cat;

EinsumDense::EinsumDense(std::string equation, Shape output_shape, EinsumDenseOptions options)
    : Concrete("EinsumDense", layer_args_of(options)),
      equation_(std::move(equation)),
      output_shape_(std::move(output_shape)),
      options_(std::move(options)) {
  for (int64_t d : output_shape_)
    if (d <= 0 && d != kNone) fail(cat("Received an invalid value for `output_shape`: ", output_shape_.to_string()));
  (void)analyze(Shape());  // the equation's form; shapes are checked at build
  set_activity_regularizer(options_.activity_regularizer);
}

EinsumDenseShapes EinsumDense::analyze(const Shape& input_shape) const {
  // Keras's _analyze_einsum_string: "..." becomes "0", then one of three forms.
  std::string eq = std::regex_replace(equation_, std::regex("\\.\\.\\."), "0");
  static const std::regex plain("^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$");
  static const std::regex left("^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$");
  static const std::regex right("^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$");
  std::smatch m;
  bool left_elided = false;
  if (std::regex_match(eq, m, plain)) {
  } else if (std::regex_match(eq, m, left)) {
    left_elided = true;
  } else if (!std::regex_match(eq, m, right)) {
    fail(cat("Invalid einsum equation '", equation_,
             "'. Equations must be in the form [X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."));
  }
  const std::string in_spec = m[1], w_spec = m[2], out_spec = m[3];
  EinsumDenseShapes r;
  if (input_shape.empty()) return r;  // the form only
  const int64_t rank = input_shape.rank();
  const int64_t elided = rank - static_cast<int64_t>(in_spec.size());
  if (elided < 0 || (elided > 0 && eq.find('0') == std::string::npos))
    fail(cat("The equation '", equation_, "' expects an input of rank ", in_spec.size(), ", but the input has shape ",
             input_shape.to_string()));
  // The output: the batch axis, then output_shape, the elided input axes where "..." is.
  // (Keras inserts left-elided axes in reverse order in its shape inference; the einsum
  // itself keeps their order, which is what we report.)
  Shape out;
  out.push_back(input_shape[0]);
  if (left_elided)
    for (int64_t i = 1; i < elided; ++i) out.push_back(input_shape[static_cast<size_t>(i)]);
  for (int64_t d : output_shape_) out.push_back(d);
  if (!left_elided)
    for (int64_t i = rank - elided; i < rank; ++i) out.push_back(input_shape[static_cast<size_t>(i)]);
  auto in_index = [&](char c) -> int64_t {
    const size_t p = in_spec.find(c);
    if (p == std::string::npos) return -1;
    return left_elided ? static_cast<int64_t>(p) + elided : static_cast<int64_t>(p);
  };
  auto out_index = [&](char c) -> int64_t {
    const size_t p = out_spec.find(c);
    if (p == std::string::npos) return -1;
    return left_elided ? static_cast<int64_t>(p) + elided : static_cast<int64_t>(p);
  };
  const size_t want_rank = left_elided ? out_spec.size() : out_spec.size() - 1;
  if (output_shape_.size() != want_rank)
    fail(cat("The output_shape ", output_shape_.to_string(), " does not fit the output term '", out_spec,
             "' of equation '", equation_, "' (expected ", want_rank, " axes besides the batch axis)"));
  for (char c : in_spec) {
    const int64_t o = out_index(c);
    if (o < 0) continue;
    const int64_t want = out[static_cast<size_t>(o)], got = input_shape[static_cast<size_t>(in_index(c))];
    if (want != kNone && got != kNone && want != got)
      fail(cat("Input shape and output shape do not match at shared dimension '", c, "'. Input shape is ", got,
               ", and output shape is ", want, "."));
    if (want == kNone) out[static_cast<size_t>(o)] = got;
  }
  for (char c : out_spec)
    if (in_spec.find(c) == std::string::npos && w_spec.find(c) == std::string::npos)
      fail(cat("Dimension '", c, "' was specified in the output '", out_spec,
               "' but has no corresponding dim in the input spec '", in_spec, "' or weight spec '", w_spec, "'"));
  for (char c : w_spec) {
    int64_t d;
    if (const int64_t o = out_index(c); o >= 0) d = out[static_cast<size_t>(o)];
    else if (const int64_t i = in_index(c); i >= 0) d = input_shape[static_cast<size_t>(i)];
    else
      fail(cat("Weight dimension '", c, "' did not have a match in either the input spec '", in_spec,
               "' or the output spec '", out_spec, "'. For this layer, the weight must be fully specified."));
    if (d == kNone)
      fail(cat("The kernel axis '", c, "' of equation '", equation_, "' has an unknown size for input shape ",
               input_shape.to_string(), "; give it in output_shape"));
    r.kernel.push_back(d);
  }
  if (options_.bias_axes) {
    size_t first = out_spec.size();
    for (char c : *options_.bias_axes) {
      const size_t p = out_spec.find(c);
      if (p == std::string::npos)
        fail(cat("Bias dimension '", c, "' was requested, but is not part of the output spec '", out_spec, "'"));
      first = std::min(first, p);
    }
    Shape bias;
    for (size_t p = first; p < out_spec.size(); ++p)
      bias.push_back(options_.bias_axes->find(out_spec[p]) != std::string::npos
                         ? out[static_cast<size_t>(out_index(out_spec[p]))]
                         : 1);
    if (!left_elided)
      for (int64_t i = 0; i < elided; ++i) bias.push_back(1);
    r.bias = bias;
  }
  r.output = out;
  return r;
}

void EinsumDense::build(const Shape& input_shape) {
  const EinsumDenseShapes s = analyze(input_shape);
  input_spec_.ndim = input_shape.rank();
  kernel_ = add_weight("kernel", s.kernel, options_.kernel_initializer, true, options_.kernel_regularizer,
                       options_.kernel_constraint);
  if (s.bias)
    bias_ = add_weight("bias", *s.bias, options_.bias_initializer, true, options_.bias_regularizer,
                       options_.bias_constraint);
}

Tensor EinsumDense::call(const Tensor& x, const CallContext&) {
  Tensor y = ops::einsum(equation_, x, kernel_.value());
  if (bias_.defined()) y = ops::add(y, bias_);
  return options_.activation(y);
}

Shape EinsumDense::compute_output_shape(const Shape& input_shape) { return analyze(input_shape).output; }

Config EinsumDense::get_config() const {
  Config c = Layer::get_config();
  c["output_shape"] = config_value(output_shape_);
  c["equation"] = equation_;
  write_fields(c, options_, this);
  c["quantization_config"] = nullptr;
  return c;
}

std::shared_ptr<Layer> EinsumDense::from_config(const Config& config) {
  ConfigReader r(config);
  r.reject({"quantization_config", "lora_rank", "gptq_unpacked_column_size"});
  Shape out;
  const Config& v = r.need("output_shape");
  if (v.is_number_integer()) out = Shape{v.get<int64_t>()};
  else read_config_value(v, r.what("output_shape"), out);
  return std::make_shared<EinsumDense>(r.required<std::string>("equation"), out, r.options<EinsumDenseOptions>());
}

}  // namespace keras::layers
