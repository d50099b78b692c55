// Registration of model `hadamard` (cuda/orbitmc/models/hadamard.hpp) and its design matrices
// (THEORY §8, experiments 4 and 5).
#pragma once

#include <cstdint>
#include <vector>

#include "models/model_info.hpp"
#include "orbitmc/models/hadamard.hpp"

namespace orbitmc {

template <>
struct ModelInfo<HadamardModel> {
  static constexpr const char* kName = "hadamard";
  static constexpr const char* kHelp =
      "coefficients c = u (.) v, signal w = B c with B = identity, cumsum or cosine synthesis, "
      "least squares on `points` observations plus the ridge (ridge/2)|c|^2. Keys: "
      "coefficients, points, basis, width, ridge, data_seed";
  static constexpr bool kClosedForm = false;
  // basis must be identity, cumsum or cosine (field `where`.basis).
  static void check(const ModelSpec& s, const std::string& where);
  // Numbers in the data set, known before it is generated (for the size limit).
  static int64_t data_words(const ModelSpec& s) {
    return int64_t(s.points) * (int64_t(s.coefficients) + 1);
  }
  static RuntimeLayout layout(const ModelSpec& s) { return {s.coefficients, 1, 1, 0}; }
  // The design D = A·B (points × coefficients) and the targets y = D c* + 0.1·N(0, 1):
  // cosine: A_ik = cos(2π k t_i), t_i ~ U(0, 1), c* with 3 non-zero entries at k ≥ 1 of
  //         magnitude U(1, 2) and random sign (experiment 4);
  // cumsum: A = N(0, 1)/sqrt(points), B the cumulative sum, B c* piecewise constant with the
  //         segments of experiment 5 stretched to the length;
  // identity: A = N(0, 1)/sqrt(points), c* sparse as for cosine.
  static std::vector<double> data(const ModelSpec& s);
  template <class T, class L>
  static HadamardModel<T, L> build(const ModelSpec& s, const L& l) {
    return {l, s.points, static_cast<T>(s.width), static_cast<T>(s.ridge)};
  }
};

}  // namespace orbitmc
