// Registration of model `attention` (cuda/orbitmc/models/attention.hpp) and its teacher data
// set (THEORY §8, experiment 2).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/model_info.hpp"
#include "orbitmc/models/attention.hpp"

namespace orbitmc {

struct AttentionParams {
  int embed = 4, head = 2, sequence = 4, points = 8;  // W_Q, W_K, W_V of embed × head
  double width = 0.3, ridge = 0.1;                    // noise scale s of the loss; invariant ridge
};

template <>
struct ModelInfo<AttentionModel> {
  using Params = AttentionParams;
  static constexpr const char* kName = "attention";
  static constexpr const char* kHelp =
      "single-head attention softmax(X W_Q (X W_K)^T / sqrt(head)) X W_V on `points` teacher "
      "sequences of `sequence` tokens in R^embed; the column pairs of W_Q, W_K are the blocks, "
      "W_V is free";
  static constexpr bool kClosedForm = false;
  static void fields(JsonFields& f, Params& p) {
    p.width = f.number("width", p.width);
    p.points = f.size("points", p.points, 1);
    p.embed = f.size("embed", p.embed, 1);
    p.head = f.size("head", p.head, 1);
    p.sequence = f.size("sequence", p.sequence, 1);
    p.ridge = read_ridge(f, p.ridge);
  }
  // attention_small; attention_16_8 (experiment 2: W_Q, W_K, W_V of 16 × 8 on 16 sequences of
  // 8 tokens, 384 parameters).
  static Presets<Params> presets() {
    return {{"attention_small", {4, 2, 4, 8, 1.0, 1.0}},
            {"attention_16_8", {16, 8, 8, 16, 1.0, 1.0}}};
  }
  static ModelScales scales(const Params& p) { return {p.width, p.ridge}; }
  // The heads' σ_b, then (fixed data set) one output.
  static int sigma_coordinates(const Params& p) { return p.head; }
  static std::string coordinate_name(const Params& p, int k) {
    if (k < p.head)
      return "σ of column pair " + std::to_string(k + 1) + " = |W_Q[:," + std::to_string(k + 1) +
             "]|·|W_K[:," + std::to_string(k + 1) + "]|";
    return "attention score q·k/√head of the first token with itself";
  }
  // W_V's size and a chain's scratch (4·sequence·head + 2·sequence²) must fit the limits of
  // every model before the layout is formed (they are products of sizes up to 2^20 each).
  static void check(const Params& p, const std::string& where);
  static int64_t data_words(const Params& p) {
    return int64_t(p.points) * p.sequence * (int64_t(p.embed) + p.head);
  }
  static RuntimeLayout layout(const Params& p) {
    return {p.head, p.embed, p.embed, p.embed * p.head};
  }
  // Teacher W_Q, W_K, W_V with entries N(0, 0.75²), W_Q times (4 + 4|z|); tokens N(0, 1);
  // targets the teacher's output + 0.02·N(0, 1): X (points × sequence × embed), then Y
  // (points × sequence × head).
  static std::vector<double> data(const Params& p, uint64_t data_seed);
  template <class T, class L>
  static AttentionModel<T, L> build(const Params& p, const L& l) {
    return {l, p.points, p.sequence, static_cast<T>(p.width), static_cast<T>(p.ridge)};
  }
};

}  // namespace orbitmc
