// The class registry, with one line per built-in layer, and the serialized layer entry
// ({"module", "class_name", "config", "registered_name", "build_config"}) Keras writes.
#include "keras/layers/registry.h"

#include <map>
#include <mutex>

#include "keras/keras.h"
#include "keras/layers/attention/additive_attention.h"
#include "keras/layers/attention/attention.h"
#include "keras/layers/attention/grouped_query_attention.h"
#include "keras/layers/attention/multi_head_attention.h"
#include "keras/layers/call_kwargs.h"
#include "keras/layers/core/einsum_dense.h"
#include "keras/layers/core/reversible_embedding.h"
#include "keras/layers/preprocessing/category_encoding.h"
#include "keras/layers/preprocessing/discretization.h"
#include "keras/layers/preprocessing/mel_spectrogram.h"
#include "keras/layers/preprocessing/stft_spectrogram.h"
#include "saving/json_utils.h"
#include "utils/excerpt.h"

namespace keras::saving {
// The model classes (Sequential, Functional) and the graph operations they record:
// their configs live with the model files in src/saving/model_configs.cpp.
void register_model_classes();
/// A model's compile_config as Keras writes it ({} when never compiled).
Config compile_config(const models::Model& model);
}  // namespace keras::saving

namespace keras::layers {

using keras::detail::cat;

namespace {

/// Every built-in layer, by Keras class name. Keras writes no build_config for the layers
/// whose class defines no build().
void register_builtin_layers() {
  const LayerClass no_build{.build_config = false};
  register_class<Activation>("Activation", no_build);
  register_class<ActivityRegularization>("ActivityRegularization", no_build);
  register_class<AdaptiveAveragePooling1D>("AdaptiveAveragePooling1D");
  register_class<AdaptiveAveragePooling2D>("AdaptiveAveragePooling2D");
  register_class<AdaptiveAveragePooling3D>("AdaptiveAveragePooling3D");
  register_class<AdaptiveMaxPooling1D>("AdaptiveMaxPooling1D");
  register_class<AdaptiveMaxPooling2D>("AdaptiveMaxPooling2D");
  register_class<AdaptiveMaxPooling3D>("AdaptiveMaxPooling3D");
  register_class<Add>("Add");
  register_class<AdditiveAttention>("AdditiveAttention");
  register_class<Attention>("Attention");
  register_class<EinsumDense>("EinsumDense");
  register_class<GroupedQueryAttention>("GroupQueryAttention");
  register_class<GroupedQueryAttention>("GroupedQueryAttention");
  register_class<MultiHeadAttention>("MultiHeadAttention");
  register_class<ReversibleEmbedding>("ReversibleEmbedding");
  register_class<AlphaDropout>("AlphaDropout", no_build);
  register_class<Average>("Average");
  register_class<AveragePooling1D>("AveragePooling1D", no_build);
  register_class<AveragePooling2D>("AveragePooling2D", no_build);
  register_class<AveragePooling3D>("AveragePooling3D", no_build);
  register_class<AugMix>("AugMix");
  register_class<AutoContrast>("AutoContrast");
  register_class<BatchNormalization>("BatchNormalization");
  register_class<Bidirectional>("Bidirectional");
  register_class<CategoryEncoding>("CategoryEncoding");
  register_class<CenterCrop>("CenterCrop");
  register_class<ContrastLimitedAdaptiveHistogramEqualization>("ContrastLimitedAdaptiveHistogramEqualization");
  register_class<Concatenate>("Concatenate");
  register_class<Conv1D>("Conv1D");
  register_class<Conv2D>("Conv2D");
  register_class<Conv3D>("Conv3D");
  register_class<Conv1DTranspose>("Conv1DTranspose");
  register_class<Conv2DTranspose>("Conv2DTranspose");
  register_class<Conv3DTranspose>("Conv3DTranspose");
  register_class<ConvLSTM1D>("ConvLSTM1D");
  register_class<ConvLSTM2D>("ConvLSTM2D");
  register_class<ConvLSTM3D>("ConvLSTM3D");
  register_class<Cropping1D>("Cropping1D");
  register_class<CutMix>("CutMix");
  register_class<applications::CustomScaleLayer>(
      "CustomScaleLayer",
      {.module = "keras.src.applications.inception_resnet_v2", .registered_name = "CustomScaleLayer"});
  register_class<Cropping2D>("Cropping2D");
  register_class<Cropping3D>("Cropping3D");
  register_class<Dense>("Dense");
  register_class<DepthwiseConv1D>("DepthwiseConv1D");
  register_class<DepthwiseConv2D>("DepthwiseConv2D");
  register_class<Discretization>("Discretization");
  register_class<Dot>("Dot");
  register_class<Dropout>("Dropout", no_build);
  register_class<ELU>("ELU", no_build);
  register_class<Embedding>("Embedding");
  register_class<Equalization>("Equalization");
  register_class<Flatten>("Flatten");
  register_class<GaussianDropout>("GaussianDropout", no_build);
  register_class<Hashing>("Hashing");
  register_class<IntegerLookup>("IntegerLookup");
  register_class<GaussianNoise>("GaussianNoise", no_build);
  register_class<GlobalAveragePooling1D>("GlobalAveragePooling1D", no_build);
  register_class<GlobalAveragePooling2D>("GlobalAveragePooling2D", no_build);
  register_class<GlobalAveragePooling3D>("GlobalAveragePooling3D", no_build);
  register_class<GlobalMaxPooling1D>("GlobalMaxPooling1D", no_build);
  register_class<GlobalMaxPooling2D>("GlobalMaxPooling2D", no_build);
  register_class<GlobalMaxPooling3D>("GlobalMaxPooling3D", no_build);
  register_class<GroupNormalization>("GroupNormalization");
  register_class<GRU>("GRU");
  register_class<GRUCell>("GRUCell");
  register_class<Identity>("Identity", no_build);
  register_class<InputLayer>("InputLayer", no_build);
  register_class<Lambda>("Lambda", no_build);
  register_class<applications::LayerScale>(
      "LayerScale", {.module = "keras.src.applications.convnext", .registered_name = "LayerScale"});
  register_class<LayerNormalization>("LayerNormalization");
  register_class<LeakyReLU>("LeakyReLU", no_build);
  register_class<LSTM>("LSTM");
  register_class<LSTMCell>("LSTMCell");
  register_class<Masking>("Masking", no_build);
  register_class<Maximum>("Maximum");
  register_class<MelSpectrogram>("MelSpectrogram");
  register_class<MaxNumBoundingBoxes>("MaxNumBoundingBoxes");
  register_class<MaxPooling1D>("MaxPooling1D", no_build);
  register_class<MaxPooling2D>("MaxPooling2D", no_build);
  register_class<MaxPooling3D>("MaxPooling3D", no_build);
  register_class<Minimum>("Minimum");
  register_class<MixUp>("MixUp");
  register_class<Multiply>("Multiply");
  // Operations Keras records in functional graphs (mask computations).
  register_class<Normalization>("Normalization");
  register_class<NotEqual>("NotEqual",
                           {.module = "keras.src.ops.numpy", .registered_name = "NotEqual", .build_config = false});
  register_class<Any>("Any", {.module = "keras.src.ops.numpy", .registered_name = "Any", .build_config = false});
  using Op = BinaryOperation::Kind;
  const auto numpy_op = [](const char* name, FromConfig from_config) {
    register_class(name, LayerClass{.from_config = std::move(from_config),
                                    .module = "keras.src.ops.numpy",
                                    .registered_name = name,
                                    .build_config = false});
  };
  numpy_op("Add", BinaryOperation::from_config<Op::add>);
  numpy_op("Subtract", BinaryOperation::from_config<Op::subtract>);
  numpy_op("Multiply", BinaryOperation::from_config<Op::multiply>);
  numpy_op("Divide", BinaryOperation::from_config<Op::divide>);
  register_class<Pipeline>("Pipeline");
  register_class<Permute>("Permute");
  register_class<PReLU>("PReLU");
  register_class<ReLU>("ReLU", no_build);
  register_class<RepeatVector>("RepeatVector");
  register_class<RandAugment>("RandAugment");
  register_class<RandomBrightness>("RandomBrightness");
  register_class<RandomColorDegeneration>("RandomColorDegeneration");
  register_class<RandomColorJitter>("RandomColorJitter");
  register_class<RandomContrast>("RandomContrast");
  register_class<RandomCrop>("RandomCrop");
  register_class<RandomElasticTransform>("RandomElasticTransform");
  register_class<RandomErasing>("RandomErasing");
  register_class<RandomFlip>("RandomFlip");
  register_class<RandomGaussianBlur>("RandomGaussianBlur");
  register_class<RandomGrayscale>("RandomGrayscale");
  register_class<RandomHue>("RandomHue");
  register_class<RandomInvert>("RandomInvert");
  register_class<RandomPerspective>("RandomPerspective");
  register_class<RandomPosterization>("RandomPosterization");
  register_class<RandomRotation>("RandomRotation");
  register_class<RandomSaturation>("RandomSaturation");
  register_class<RandomSharpness>("RandomSharpness");
  register_class<RandomShear>("RandomShear");
  register_class<RandomTranslation>("RandomTranslation");
  register_class<RandomZoom>("RandomZoom");
  register_class<Rescaling>("Rescaling");
  register_class<Reshape>("Reshape", no_build);
  register_class<RMSNormalization>("RMSNormalization");
  register_class<Resizing>("Resizing");
  register_class<RNN>("RNN");
  register_class<SeparableConv1D>("SeparableConv1D");
  register_class<SeparableConv2D>("SeparableConv2D");
  register_class<SimpleRNN>("SimpleRNN");
  register_class<SimpleRNNCell>("SimpleRNNCell");
  register_class<SpectralNormalization>("SpectralNormalization");
  register_class<StackedRNNCells>("StackedRNNCells");
  register_class<STFTSpectrogram>("STFTSpectrogram");
  register_class<StringLookup>("StringLookup");
  register_class<Softmax>("Softmax", no_build);
  register_class<Solarization>("Solarization");
  register_class<SpatialDropout1D>("SpatialDropout1D", no_build);
  register_class<SpatialDropout2D>("SpatialDropout2D", no_build);
  register_class<SpatialDropout3D>("SpatialDropout3D", no_build);
  register_class<Subtract>("Subtract");
  register_class<TextVectorization>("TextVectorization");
  register_class<TimeDistributed>("TimeDistributed");
  register_class<UnitNormalization>("UnitNormalization", no_build);
  register_class<UpSampling1D>("UpSampling1D");
  register_class<UpSampling2D>("UpSampling2D");
  register_class<UpSampling3D>("UpSampling3D");
  register_class<ZeroPadding1D>("ZeroPadding1D");
  register_class<ZeroPadding2D>("ZeroPadding2D");
  register_class<ZeroPadding3D>("ZeroPadding3D");

  // Keras's other names of the same classes (keras.layers.Convolution2D is Conv2D, ...):
  // files naming a class by them load; the layers made are the classes themselves.
  register_class<Conv1D>("Convolution1D");
  register_class<Conv2D>("Convolution2D");
  register_class<Conv3D>("Convolution3D");
  register_class<Conv1DTranspose>("Convolution1DTranspose");
  register_class<Conv2DTranspose>("Convolution2DTranspose");
  register_class<Conv3DTranspose>("Convolution3DTranspose");
  register_class<SeparableConv1D>("SeparableConvolution1D");
  register_class<SeparableConv2D>("SeparableConvolution2D");
  register_class<MaxPooling1D>("MaxPool1D", no_build);
  register_class<MaxPooling2D>("MaxPool2D", no_build);
  register_class<MaxPooling3D>("MaxPool3D", no_build);
  register_class<AveragePooling1D>("AvgPool1D", no_build);
  register_class<AveragePooling2D>("AvgPool2D", no_build);
  register_class<AveragePooling3D>("AvgPool3D", no_build);
  register_class<GlobalMaxPooling1D>("GlobalMaxPool1D", no_build);
  register_class<GlobalMaxPooling2D>("GlobalMaxPool2D", no_build);
  register_class<GlobalMaxPooling3D>("GlobalMaxPool3D", no_build);
  register_class<GlobalAveragePooling1D>("GlobalAvgPool1D", no_build);
  register_class<GlobalAveragePooling2D>("GlobalAvgPool2D", no_build);
  register_class<GlobalAveragePooling3D>("GlobalAvgPool3D", no_build);
}

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

std::map<std::string, LayerClass>& classes() {
  static std::map<std::string, LayerClass> m;
  return m;
}

/// Fills the registry on first use (not from static initializers, which a static library
/// would drop with the object files nobody references).
void ensure_builtins() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_builtin_layers();
    saving::register_model_classes();
  });
}

bool is_operation_module(const std::string& module) { return module.rfind("keras.src.ops", 0) == 0; }

/// Graph operations (keras.src.ops.*) share class names with layers (ops.numpy's Add is
/// `x + y` with constants allowed, not keras.layers.Add): they live under their own keys.
std::string registry_key(const std::string& class_name, bool operation) {
  return operation ? "ops:" + class_name : class_name;
}

/// A copy of the class's entry, or nullopt.
std::optional<LayerClass> find_class(const std::string& class_name, bool operation = false) {
  ensure_builtins();
  std::lock_guard<std::mutex> lock(registry_mutex());
  auto it = classes().find(registry_key(class_name, operation));
  if (it == classes().end()) return std::nullopt;
  return it->second;
}

}  // namespace

void register_class(const std::string& class_name, LayerClass info) {
  if (class_name.empty() || !info.from_config) throw ValueError("register_class: a class name and a reader are required");
  std::lock_guard<std::mutex> lock(registry_mutex());
  const std::string key = registry_key(class_name, is_operation_module(info.module));
  classes()[key] = std::move(info);
}

bool is_registered(const std::string& class_name) { return find_class(class_name).has_value(); }

Config config_of(const Layer& layer) {
  auto info = find_class(layer.class_name(), layer.is_operation());
  if (info && info->get_config) return info->get_config(layer);
  return layer.get_config();
}

Config serialize(const Layer& layer) {
  auto info = find_class(layer.class_name(), layer.is_operation());
  if (!info)
    throw ValueError(cat("Layer \"", layer.name(), "\" of class ", layer.class_name(),
                         " is not registered; register it with layers::register_class"));
  Config e;
  e["module"] = info->module;
  e["class_name"] = layer.class_name();
  e["config"] = info->get_config ? info->get_config(layer) : layer.get_config();
  e["registered_name"] = info->registered_name.empty() ? Config(nullptr) : Config(info->registered_name);
  const auto& shapes = layer.build_input_shapes();
  if (layer.built() && !shapes.empty() && info->build_config) {
    Config in = Config::array();
    for (const auto& s : shapes) in.push_back(config_value(s));
    e["build_config"] = {{"input_shape", shapes.size() == 1 ? in[0] : in}};
    if (const auto* k = dynamic_cast<const KwargsLayer*>(&layer))
      if (auto bc = k->build_config()) e["build_config"] = *bc;
  }
  // Keras serializes every model with its compile_config, a model nested in another too.
  if (const auto* model = dynamic_cast<const models::Model*>(&layer))
    e["compile_config"] = saving::compile_config(*model);
  return e;
}

std::shared_ptr<Layer> deserialize(const Config& entry) {
  const std::string cls = saving::to_string(saving::need(entry, "class_name", "layer entry"), "layer class_name");
  const Config& config = saving::need(entry, "config", "layer entry for " + cls);
  const Config* module = saving::find(entry, "module");
  const bool operation = module && module->is_string() && is_operation_module(module->get<std::string>());
  auto info = find_class(cls, operation);
  if (!info && !module) info = find_class(cls, true);  // entries without a module (legacy .h5 configs)
  if (!info) {
    std::string known;
    {
      std::lock_guard<std::mutex> lock(registry_mutex());
      for (const auto& [k, v] : classes())
        if ((k.rfind("ops:", 0) == 0) == operation) known += (known.empty() ? "" : ", ") + k.substr(operation ? 4 : 0);
    }
    throw ValueError(cat(operation ? "Unknown operation '" : "Unknown layer class '", utils::excerpt(cls), "'",
                         operation ? " of module " + module->get<std::string>() : std::string(), " (",
                         ConfigReader(config).context(), "). This library knows: ", known));
  }
  std::shared_ptr<Layer> layer = info->from_config(config);
  const ConfigReader reader(config);
  // Every Keras layer takes activity_regularizer (ActivityRegularization makes its own).
  if (const Config* ar = reader.find("activity_regularizer"); ar && !ar->is_null() && cls != "ActivityRegularization") {
    regularizers::Regularizer r;
    read_config_value(*ar, reader.what("activity_regularizer"), r);
    layer->set_activity_regularizer(r);
  }
  if (const Config* build = saving::find(entry, "build_config")) {
    if (const Config* dict = saving::find(*build, "shapes_dict"); dict && dict->is_object()) {
      // MultiHeadAttention's build(query_shape, value_shape, key_shape=None)
      std::vector<Shape> shapes;
      for (const char* key : {"query_shape", "value_shape", "key_shape"})
        if (const Config* s = saving::find(*dict, key); s && !s->is_null())
          shapes.push_back(saving::to_shape(*s, reader.what("build_config")));
      if (!layer->built() && !shapes.empty()) layer->build_for(shapes, /*keep_batch_size=*/true);
    }
    if (const Config* in = saving::find(*build, "input_shape"); in && in->is_array() && !in->empty()) {
      std::vector<Shape> shapes;
      if ((*in)[0].is_array()) {
        if (in->size() > 1024) reader.fail("too many build input shapes");
        for (const auto& s : *in) shapes.push_back(saving::to_shape(s, reader.what("build_config")));
      } else {
        shapes.push_back(saving::to_shape(*in, reader.what("build_config")));
      }
      if (!layer->built()) layer->build_for(shapes, /*keep_batch_size=*/true);
    }
  }
  return layer;
}

}  // namespace keras::layers
