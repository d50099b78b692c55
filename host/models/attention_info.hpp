// Registration of model `attention` (cuda/orbitmc/models/attention.hpp) and its teacher data
// set (THEORY §8, experiment 2).
#pragma once

#include <cstdint>
#include <vector>

#include "models/model_info.hpp"
#include "orbitmc/models/attention.hpp"

namespace orbitmc {

template <>
struct ModelInfo<AttentionModel> {
  static constexpr const char* kName = "attention";
  static constexpr const char* kHelp =
      "single-head attention softmax(X W_Q (X W_K)^T / sqrt(head)) X W_V on `points` teacher "
      "sequences of `sequence` tokens in R^embed; the column pairs of W_Q, W_K are the blocks, "
      "W_V is free. Keys: embed, head, sequence, points, width, ridge, data_seed";
  static constexpr bool kClosedForm = false;
  // W_V's size and a chain's scratch (4·sequence·head + 2·sequence²) must fit the limits of
  // every model before the layout is formed (they are products of sizes up to 2^20 each).
  static void check(const ModelSpec& s, const std::string& where);
  static int64_t data_words(const ModelSpec& s) {
    return int64_t(s.points) * s.sequence * (int64_t(s.embed) + s.head);
  }
  static RuntimeLayout layout(const ModelSpec& s) {
    return {s.head, s.embed, s.embed, s.embed * s.head};
  }
  // Teacher W_Q, W_K, W_V with entries N(0, 0.75²), W_Q times (4 + 4|z|); tokens N(0, 1);
  // targets the teacher's output + 0.02·N(0, 1): X (points × sequence × embed), then Y
  // (points × sequence × head).
  static std::vector<double> data(const ModelSpec& s);
  template <class T, class L>
  static AttentionModel<T, L> build(const ModelSpec& s, const L& l) {
    return {l, s.points, s.sequence, static_cast<T>(s.width), static_cast<T>(s.ridge)};
  }
};

}  // namespace orbitmc
