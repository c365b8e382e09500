#include "keras/layers/core/lambda.h"
#include "keras/layers/layer_config.h"
#include "keras/saving/registered_functions.h"

#include "keras/autograd/gradient_tape.h"

namespace keras::layers {

Lambda::Lambda(Fn function, LambdaOptions o)
    : Concrete("Lambda", layer_args_of(o)), fn_(std::move(function)), o_(std::move(o)) {
  if (!fn_) fail("Lambda needs a function");
}

Tensor Lambda::call(const Tensor& x, const CallContext&) { return fn_(x); }

Shape Lambda::compute_output_shape(const Shape& s) {
  if (o_.output_shape) return o_.output_shape->with_batch(s[0]);
  // Run the function on a zero batch of one to see the shape it produces.
  Shape probe;
  for (int64_t v : s) probe.push_back(v == kNone ? 1 : v);
  autograd::NoGradGuard no_grad;
  Shape out = fn_(Tensor::zeros(probe, compute_dtype(), device())).shape();
  if (out.rank() > 0 && s.rank() > 0) out[0] = s[0];
  return out;
}

Config Lambda::get_config() const {
  if (o_.function_name.empty() || !saving::find_function(o_.function_name))
    throw ValueError(detail::cat("Lambda layer \"", name(), "\" cannot be saved: give it a function_name registered with "
                                 "saving::register_function"));
  Config c = Layer::get_config();
  c["function"] = {{"module", "builtins"}, {"class_name", "function"}, {"config", o_.function_name},
                   {"registered_name", o_.function_name}};
  c["arguments"] = Config::object();
  c["output_shape"] = config_value(o_.output_shape);
  return c;
}

std::shared_ptr<Layer> Lambda::from_config(const Config& config) {
  ConfigReader r(config);
  const Config& f = r.need("function");
  std::string name;
  if (f.is_string()) name = f.get<std::string>();
  else if (f.is_object() && f.contains("config") && f["config"].is_string()) name = f["config"].get<std::string>();
  if (name.empty() || !saving::find_function(name))
    throw ValueError(detail::cat("Lambda ", r.context(), " holds ",
                                 name.empty() ? std::string("Python code") : "the function \"" + name + "\"",
                                 ", which is not registered. Loading never runs code from a file: register a C++ "
                                 "function under that name with saving::register_function before loading."));
  LambdaOptions o = r.options<LambdaOptions>();
  o.function_name = name;
  if (const Config* s = r.find("output_shape"); s && s->is_array()) read_config_value(*s, r.what("output_shape"), o.output_shape);
  return std::make_shared<Lambda>(saving::find_function(name), o);
}

}  // namespace keras::layers
