// A transformer text classifier that reads raw strings: TextVectorization inside the
// model (its vocabulary learned with adapt), token + position embeddings, one
// transformer block (MultiHeadAttention, LayerNormalization, a feed-forward net), as in
// Keras's example "Text classification with Transformer". The model is saved to .keras
// with its vocabulary, loaded back, and gives the same predictions on the raw strings.
//
// Debian ships no labelled text corpus that fits, so the sentences are generated, and
// say so: 10-40 filler words with one sentiment word ("good" or "bad") and one "not",
// placed before the sentiment word (it negates it) or after it (it does not). The label
// is positive for "good" and for "not ... bad". Every sentence holds the same kinds of
// words, so counting words gives 50%: only the order of two words, up to 40 apart,
// decides, which is what attention over positions can see.
//
// Usage: transformer_text_classifier [--train N (8000)] [--epochs N (15)]
#include <cstdio>
#include <filesystem>
#include <random>

#include "example_utils.h"

using namespace keras;

namespace {

constexpr int64_t kMaxLen = 40, kEmbed = 32, kMaxTokens = 300;

struct Data {
  Tensor texts, labels;
};

Data make_data(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> filler;
  for (int i = 0; i < 200; ++i) {
    std::string word = "w";
    word += std::to_string(i);
    filler.push_back(word);
  }
  std::vector<std::string> texts;
  std::vector<float> labels;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = std::uniform_int_distribution<int64_t>(10, 40)(rng);
    std::vector<std::string> words;
    for (int64_t k = 0; k < len; ++k) words.push_back(filler[rng() % filler.size()]);
    std::uniform_int_distribution<int64_t> position(0, len - 1);
    const int64_t at = position(rng);
    int64_t not_at = position(rng);
    while (not_at == at) not_at = position(rng);
    const bool good = rng() % 2, negated = not_at < at;
    words[static_cast<size_t>(at)] = good ? "good" : "bad";
    words[static_cast<size_t>(not_at)] = "not";
    std::string s;
    for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
    if (rng() % 2) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));  // standardize lowers it
    texts.push_back(s + ".");
    labels.push_back(good != negated ? 1.f : 0.f);
  }
  return {Tensor::from_vector(texts, Shape{n, 1}), Tensor::from_vector(labels, Shape{n, 1})};
}

double accuracy(const Tensor& probabilities, const Tensor& labels) {
  const auto p = probabilities.to_vector<float>(), y = labels.to_vector<float>();
  int64_t right = 0;
  for (size_t i = 0; i < p.size(); ++i) right += (p[i] > 0.5f) == (y[i] > 0.5f);
  return static_cast<double>(right) / static_cast<double>(p.size());
}

}  // namespace

int main(int argc, char** argv) try {
  const int64_t n_train = examples::int_flag(argc, argv, "--train", 8000);
  const int epochs = static_cast<int>(examples::int_flag(argc, argv, "--epochs", 15));
  examples::register_position_embedding();
  const Data train = make_data(n_train, 1), test = make_data(2000, 2);
  std::printf(
      "Task: is the sentence positive (\"good\", or \"not\" before \"bad\")? %ld training sentences of "
      "20-60 words, 2000 test\n",
      static_cast<long>(n_train));

  utils::set_random_seed(7);
  layers::TextVectorization vectorize({.max_tokens = kMaxTokens, .output_sequence_length = kMaxLen});
  vectorize.adapt(train.texts);
  std::printf("vocabulary: %ld entries (\"\", \"[UNK]\", then by frequency)\n",
              static_cast<long>(vectorize.vocabulary_size()));

  auto inputs = Input({1}, {.dtype = DType::string, .name = "text"});
  auto x = layers::LayerHandle(std::move(vectorize))(inputs);
  x = layers::Embedding(kMaxTokens, kEmbed)(x);
  x = examples::PositionEmbedding()(x);
  x = examples::transformer_block(x, 2, kEmbed, 64, kEmbed);
  x = layers::GlobalAveragePooling1D()(x);
  x = layers::Dropout(0.1)(x);
  x = layers::Dense(20, "relu")(x);
  auto outputs = layers::Dense(1, "sigmoid")(x);
  Model model(inputs, outputs, "transformer_text_classifier");
  model.compile("adam", "binary_crossentropy", {"accuracy"});
  model.summary();
  model.fit(train.texts, train.labels, {.batch_size = 64, .epochs = epochs, .verbose = 2, .validation_split = 0.1});

  const Tensor p = model.predict(test.texts, {.batch_size = 256, .verbose = 0});
  std::printf("test accuracy: %.4f (chance and any bag of words: 0.5)\n", accuracy(p, test.labels));

  const std::string path = (std::filesystem::temp_directory_path() / "transformer_text_classifier.keras").string();
  model.save(path);
  auto loaded = models::load_model(path);
  const Tensor q = loaded->predict(test.texts, {.batch_size = 256, .verbose = 0});
  const auto pv = p.to_vector<float>(), qv = q.to_vector<float>();
  float worst = 0;
  for (size_t i = 0; i < pv.size(); ++i) worst = std::max(worst, std::abs(pv[i] - qv[i]));
  std::printf("saved to %s and loaded: largest difference on the raw test strings %.2g\n", path.c_str(), worst);
  std::filesystem::remove(path);
  return worst < 1e-5f ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 1;
}
