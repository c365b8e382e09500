#include "keras/layers/core/op_layers.h"
#include "keras/layers/layer_config.h"

#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers {

NotEqual::NotEqual(double value, OpLayerOptions o) : Concrete("NotEqual", LayerArgs{{}, o.name, {}, true}), value_(value) {}

Tensor NotEqual::call(const Tensor& x, const CallContext&) {
  return ops::not_equal(x.dtype() == DType::float32 ? x : ops::cast(x, DType::float32),
                         Tensor::scalar(value_, DType::float32, x.device()));
}

Any::Any(int64_t axis, bool keepdims, OpLayerOptions o)
    : Concrete("Any", LayerArgs{{}, o.name, {}, true}), axis_(axis), keepdims_(keepdims) {}

Tensor Any::call(const Tensor& x, const CallContext&) { return ops::any(x, {axis_}, keepdims_); }

Shape Any::compute_output_shape(const Shape& s) {
  const int64_t a = axis_ < 0 ? axis_ + s.rank() : axis_;
  if (a < 0 || a >= s.rank()) fail(detail::cat("axis ", axis_, " is out of range for input of shape ", s.to_string()));
  Shape out;
  for (int64_t i = 0; i < s.rank(); ++i) {
    if (i != a) out.push_back(s[static_cast<size_t>(i)]);
    else if (keepdims_) out.push_back(1);
  }
  return out;
}

// Keras writes these operations' configs with their name and arguments only.
Config NotEqual::get_config() const { return Config{{"name", name()}}; }

std::shared_ptr<Layer> NotEqual::from_config(const Config& config) {
  return std::make_shared<NotEqual>(0.0, OpLayerOptions{ConfigReader(config).get<std::string>("name", "")});
}

Config Any::get_config() const { return Config{{"name", name()}, {"axis", axis_}, {"keepdims", keepdims_}}; }

std::shared_ptr<Layer> Any::from_config(const Config& config) {
  ConfigReader r(config);
  int64_t axis = -1;
  if (const Config* a = r.find("axis")) SingleAxis::read(*a, r.what("axis"), axis);
  return std::make_shared<Any>(axis, r.get<bool>("keepdims", false), OpLayerOptions{r.get<std::string>("name", "")});
}

namespace {
const char* binary_class_name(BinaryOperation::Kind k) {
  switch (k) {
    case BinaryOperation::Kind::add:
      return "Add";
    case BinaryOperation::Kind::subtract:
      return "Subtract";
    case BinaryOperation::Kind::multiply:
      return "Multiply";
    case BinaryOperation::Kind::divide:
      return "Divide";
  }
  return "Add";
}
}  // namespace

BinaryOperation::BinaryOperation(Kind kind, OpLayerOptions o)
    : Concrete(binary_class_name(kind), LayerArgs{{}, o.name, {}, true}), kind_(kind) {}

void BinaryOperation::set_constant(double constant, bool constant_first) {
  constant_ = constant;
  constant_first_ = constant_first;
}

Tensor BinaryOperation::apply(const Tensor& a, const Tensor& b) const {
  switch (kind_) {
    case Kind::add:
      return ops::add(a, b);
    case Kind::subtract:
      return ops::subtract(a, b);
    case Kind::multiply:
      return ops::multiply(a, b);
    case Kind::divide:
      return ops::divide(a, b);
  }
  return a;
}

TensorList BinaryOperation::call(const TensorList& inputs, const CallContext&) {
  if (inputs.size() != operands())
    fail(detail::cat("expected ", operands(), " tensor operand(s), got ", inputs.size()));
  if (!constant_) return {apply(inputs[0], inputs[1])};
  const Tensor c = Tensor::scalar(*constant_, inputs[0].dtype(), inputs[0].device());
  return {constant_first_ ? apply(c, inputs[0]) : apply(inputs[0], c)};
}

std::vector<Shape> BinaryOperation::compute_output_shape(const std::vector<Shape>& s) {
  if (s.size() != operands()) fail(detail::cat("expected ", operands(), " tensor operand(s), got ", s.size()));
  if (s.size() == 1) return {s[0]};
  // NumPy broadcasting; an unknown dimension stays unknown unless the other one is > 1.
  const Shape& a = s[0];
  const Shape& b = s[1];
  const int64_t r = std::max(a.rank(), b.rank());
  Shape out;
  for (int64_t i = 0; i < r; ++i) {
    const int64_t da = i < r - a.rank() ? 1 : a[static_cast<size_t>(i - (r - a.rank()))];
    const int64_t db = i < r - b.rank() ? 1 : b[static_cast<size_t>(i - (r - b.rank()))];
    if (da == 1) out.push_back(db);
    else if (db == 1 || da == db) out.push_back(da);
    else if (da == kNone) out.push_back(db);
    else if (db == kNone) out.push_back(da);
    else fail("operands of shapes " + a.to_string() + " and " + b.to_string() + " do not broadcast");
  }
  return {out};
}

std::vector<DType> BinaryOperation::compute_output_dtypes(const std::vector<DType>& in, size_t n) {
  return std::vector<DType>(n, in.empty() ? compute_dtype() : in[0]);
}

Config BinaryOperation::get_config() const { return Config{{"name", name()}}; }

template <BinaryOperation::Kind K>
std::shared_ptr<Layer> BinaryOperation::from_config(const Config& config) {
  return std::make_shared<BinaryOperation>(K, OpLayerOptions{ConfigReader(config).get<std::string>("name", "")});
}
template std::shared_ptr<Layer> BinaryOperation::from_config<BinaryOperation::Kind::add>(const Config&);
template std::shared_ptr<Layer> BinaryOperation::from_config<BinaryOperation::Kind::subtract>(const Config&);
template std::shared_ptr<Layer> BinaryOperation::from_config<BinaryOperation::Kind::multiply>(const Config&);
template std::shared_ptr<Layer> BinaryOperation::from_config<BinaryOperation::Kind::divide>(const Config&);

}  // namespace keras::layers
